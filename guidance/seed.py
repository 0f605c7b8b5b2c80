"""Sample life-saving guidance, clearly marked for the Office of the Medical Director to review
and replace: the pages exist from the first `make run`, so the text-only site and offline
reading work at once, but the medical wording is theirs to own."""

from bostonems_site.seed import ensure_child
from guidance.models import GuidanceIndexPage, GuidancePage

SAMPLE_GUIDANCE_NOTE = (
    "Sample text for the Office of the Medical Director to review and replace before this "
    "site goes live."
)


def _body(html):
    return f"<p><b>{SAMPLE_GUIDANCE_NOTE}</b></p>{html}"


INDEX = {
    "title": "Life-saving guidance",
    "intro": "<p>What to do until the ambulance arrives. These pages also work offline once "
    "you have visited this website, and on the text-only site.</p>",
    "search_description": "When to call 9-1-1, hands-only CPR and what to tell the dispatcher.",
}

# (slug, title, summary, body) in the order the text-only site lists them.
PAGES = [
    (
        "when-to-call-9-1-1",
        "When to call 9-1-1",
        "Call 9-1-1 for any emergency that threatens someone's life or health.",
        _body(
            "<p>Call 9-1-1 at once if someone:</p><ul>"
            "<li>is not breathing, or is breathing strangely or with great difficulty;</li>"
            "<li>does not respond when you speak to them or tap their shoulders;</li>"
            "<li>has chest pain or pressure, or sudden weakness or numbness in the face, an arm "
            "or a leg, or sudden trouble speaking or seeing;</li>"
            "<li>is bleeding heavily, is badly burned or was badly hurt;</li>"
            "<li>has taken an overdose or been poisoned.</li></ul>"
            "<p>If you are not sure, call: the dispatcher will help you decide. For questions "
            "that are not emergencies, call the non-emergency line instead.</p>"
        ),
    ),
    (
        "hands-only-cpr",
        "Hands-only CPR",
        "If an adult suddenly collapses and is not breathing normally, push hard and fast.",
        _body(
            "<ol><li>Call 9-1-1, or ask someone else to call, and put the phone on speaker.</li>"
            "<li>Kneel beside the person. Put the heel of one hand in the centre of their "
            "chest and your other hand on top.</li>"
            "<li>Push hard and fast: about 5 cm (2 inches) deep, 100 to 120 times a minute, "
            "letting the chest come back up between pushes.</li>"
            "<li>Do not stop until help takes over or the person starts breathing normally. "
            "If someone brings a defibrillator (AED), switch it on and follow its voice.</li>"
            "</ol>"
        ),
    ),
    (
        "what-to-tell-the-dispatcher",
        "What to tell the dispatcher",
        "Stay calm, answer the questions and stay on the line.",
        _body(
            "<ol><li>Where you are: the street address, the apartment or floor, or a landmark. "
            "This comes first.</li>"
            "<li>What happened, and how many people are hurt or ill.</li>"
            "<li>Whether the person is awake and breathing.</li>"
            "<li>Your phone number, in case the call drops.</li></ol>"
            "<p>Answer the dispatcher's questions: help is sent while you talk. Do not hang up "
            "until the dispatcher tells you to, and follow their instructions.</p>"
        ),
    ),
]


def load(home, stdout):
    index, created = ensure_child(home, GuidanceIndexPage, "guidance", **INDEX)
    if created:
        stdout.write("Created the life-saving guidance page.")
    for slug, title, summary, body in PAGES:
        _, created = ensure_child(
            index, GuidancePage, slug, title=title, summary=summary, body=body
        )
        if created:
            stdout.write(f"Created the guidance page '{title}' (sample text).")
