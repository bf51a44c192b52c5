from django.http import HttpRequest


def tenancy(request: HttpRequest) -> dict:
    return {
        "current_company": getattr(request, "company", None),
        "impersonating": getattr(request, "impersonating", False),
    }
