from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least `min_classes` of: lowercase, uppercase, digits, symbols (等保 身份鉴别 a)."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"
