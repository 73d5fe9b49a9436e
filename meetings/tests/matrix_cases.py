from . import matrix_core, matrix_dl, matrix_materials, matrix_prep  # noqa: F401
