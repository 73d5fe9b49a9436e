from tests.matrix import ALL, allow, case, expect, no_object

# The rules are the same for everybody: any logged-in persona may read them.
case("rulebook:index", expected=ALL)(no_object)


@case("rulebook:detail", expected=ALL)
def _detail(world, org):
    return {"slug": "district-2024", "version": "1"}


@case("rulebook:detail_latest", expected=ALL)
def _detail_latest(world, org):
    return {"slug": "national-baseline"}


# Choosing a rulebook: the district's inspectors (organisation department / discipline
# commission) and operators, for any part of their subtree.
PLACES_ALL = {"b1", "b2", "p1", "b3"}
expect("rulebook.choose", allow(inspector=PLACES_ALL, operator=PLACES_ALL))


@case("rulebook:choose", method="POST", data=lambda world, kwargs: {"slug": "national-baseline"})
def _choose(world, org):
    return {"pk": org.pk}
