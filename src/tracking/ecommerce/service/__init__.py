"""ecommerce business rules: recording orders exactly once (`recorder`), currencies (`currency`)
and the reports (`reports`)."""
