"""Macro functions for pages, in mkdocs-macros' ``define_env(env)`` style.

This file is Python that runs on every build and every `kb` run: only the support tooling
maintainers may change it. Authors use the data files in ``macros/data/`` instead.
"""


def define_env(env):
    """Add helper functions next to the shared facts in ``env.variables``."""
    support = env.variables.get("support", {})

    @env.macro
    def sla(priority: str) -> str:
        """``{{ sla('P1') }}`` -> 'first response within 30m, resolution within 4h'."""
        level = support.get("sla", {}).get(priority)
        if level is None:
            raise ValueError(f"unknown priority {priority!r}")
        return (f"first response within {level['first_response']}, "
                f"resolution within {level['resolution']}")

    @env.macro
    def plan_price(plan: str) -> str:
        """``{{ plan_price('business') }}`` -> 'EUR 29 per month'."""
        plans = env.variables.get("products", {}).get("plans", {})
        if plan not in plans:
            raise ValueError(f"unknown plan {plan!r}")
        return f"EUR {plans[plan]['price_eur']} per month"
