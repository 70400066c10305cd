"""The resolver's prices: what each piece of evidence is worth, on one scale, in one place.

The solvers minimise a sum of these prices; the report's sums are hard constraints and decide
first, so a price only chooses among pairings that add up. What matters is not a price's size but
its order against the others: `ORDER` states each relation the models rely on, and importing this
module checks them, so a change that breaks one fails every build and test at once.
"""

from __future__ import annotations

# --- stage 1, table and sections (sections.py)
TABLE_LINE = 1  # per text line between a table label and the amount paired with it
TABLE_LINE_CAP = 40  # ... counted up to here: beyond, every distance is as bad
OFF_ROW = 100  # a label and an amount printed on one row (a PDF's table) paired with others
ASTRAY = 50  # an amount outside its nominal section, per amount it passes on the way out
NAMED = 35  # the text after the amount names the country of the section it goes to
NAMED_ONLY = 150  # ... and of no other section it could go to
NAMED_MANY = 3  # a text that names this many of the region's countries is about the region: no evidence
LOST_TOTAL = OFF_ROW  # an amount taken for the total of a column whose 'Total' label was not read
UNPRINTED = 10_000  # a box whose amount is printed nowhere, or a table that does not add up
MISPRINTED = 5_000  # ... and more for a section whose table row its programmes do not explain
LENIENT_MISMATCH = 1_000  # lenient plan: a country row paired with an amount its section does not add up to

# --- stage 2, areas (areas.py)
PAIR_STEP = 10  # per label or amount between a label and the amount paired with it
PAIR_AFTER = 8  # the label comes after its amount
FUNDED_AROUND = 5  # a "Funded" amount (it weighs nothing) in the section of the amounts around it, not its heading's
UNLABELLED = 45  # an amount that takes an area no nearby label names
TEXT_WEIGHT = 30  # per nat of the text model's doubt that the text is about the area
TEXT_CAP = 150  # ... counted up to here: the text is a preference, never a verdict
MISSING = 150  # a boxed label whose cell gets no amount
GAP = 100_000  # relaxed model only: an area whose programmes do not add up to its row

# --- matching boxes and amounts (region.py)
BOX_STEP = 10  # per box or amount printed between a box and its amount
BOX_ASTRAY = 30  # the amount lies in the section next to the box's
BOX_OTHER_AREA = 60  # the box's label names another area than the amount's
BOX_MATCH = 200  # the reward for a match: a box left without amount needs good reason

# --- how far the models look (not prices, but they bound them)
DEPTH = 5  # an amount this many amounts inside its nominal section stays there
PAIR_WINDOW = 6  # farthest label (in items) an amount may be paired with
BOX_WINDOW = 8  # farthest (in boxes and amounts) a box and its amount may be printed apart

ORDER: tuple[tuple[bool, str], ...] = (
    (OFF_ROW > TABLE_LINE * TABLE_LINE_CAP, "breaking a printed row costs more than any distance in a text table"),
    (NAMED_ONLY > ASTRAY, "text naming only the neighbour's country outweighs one amount astray"),
    (NAMED < ASTRAY, "text naming several countries does not by itself move an amount"),
    (
        UNPRINTED > NAMED_ONLY + ASTRAY * DEPTH + OFF_ROW * 2,
        "a box printing no amount is chosen only when no placement of the printed amounts adds up",
    ),
    (MISPRINTED + UNPRINTED > UNPRINTED + LENIENT_MISMATCH, "a misprinted table row is the costliest explanation"),
    (GAP > UNPRINTED + MISPRINTED, "an area row that does not add up is the last resort of stage 2"),
    (PAIR_AFTER < PAIR_STEP, "a label printed just after its amount is nearer than one item away"),
    (UNLABELLED < PAIR_STEP * PAIR_WINDOW, "no label at all is likelier than the farthest label"),
    (FUNDED_AROUND < PAIR_STEP, "a funded amount's heading only breaks a tie: any label evidence outweighs it"),
    (TEXT_CAP <= MISSING, "what a text is about never outweighs a labelled box left empty"),
    (
        BOX_MATCH > BOX_STEP * BOX_WINDOW + BOX_ASTRAY + BOX_OTHER_AREA,
        "a box within reach of an amount always takes one",
    ),
)


def broken() -> list[str]:
    """The relations `ORDER` states that the prices above do not keep."""
    return [why for holds, why in ORDER if not holds]


if broken():  # pragma: no cover - a price changed without its order
    raise RuntimeError(f"etl/resolve/prices.py: the prices break their order: {'; '.join(broken())}")
