"""Which rules apply to a validation: profiles, user shapes, vocabularies and an intended base-data domain.

One value for the four options every validating command takes (`validate`, `score`, `export`, `serve`, `publish`,
`harvest --validate`), so they are read in one place (`commands.options.rules_from`) and passed on whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rules:
    profiles: tuple[str, ...] | None = None  # None: the default profiles
    shapes: tuple[str, ...] = ()
    vocabularies: tuple[str, ...] = ()
    domain: str | None = None
    # validation.policy.Policy: suppression comments and the configuration's ignore/severity (None: no policy)
    policy: object = field(default=None, compare=False)

    def judged(self, report, documents=None):
        """`report` after the repository's policy: what every validating command (and the gate) goes by."""
        return self.policy.apply(report, documents) if self.policy is not None else report

    def keywords(self) -> dict:
        """As keyword arguments of validation.pipeline.run / validate / validate_graph."""
        return {"profiles": list(self.profiles) if self.profiles else None, "shapes": list(self.shapes),
                "vocabularies": list(self.vocabularies), "domain": self.domain}
