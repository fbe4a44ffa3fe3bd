"""How a need is served: twenty independent levers, and the presets built from them.

Each lever can be switched alone, so a planner can see what it contributes:

- ``window``: each item at its department's window, or every item at one one-stop window;
- ``checklist``: a dossier per item, or one merged dossier (the union of documents);
- ``routing``: items one after another, or every item as soon as its prerequisites allow;
- ``data_sharing``: whether outputs of the need's own items reach later items without the
  applicant carrying them (so they are neither collected early nor handed over again);
- ``delivery``: results collected in person, or mailed;
- ``steps``: each item's back office as it is, or cut to its ``reduced_steps`` (减环节);
- ``limits``: the back office works to the statutory limits, or to the committed ones
  (承诺时限: each item's, and a merged bundle's own): the due dates its earliest-due queues
  follow and the promise the office makes;
- ``licences``: paper results (collected or mailed), or electronic licences (电子证照) in the
  applicant's hands at decision;
- ``notice``: what the applicant is told, per visit, or everything once up front (一次告知): a
  dossier is incomplete less often (each item's ``notice_factor``), and a rejection lists every
  missing piece, so one fix round completes it;
- ``held_documents``: documents a department already holds (``Scenario.held_by``: identity
  cards, licences, certificates) handed over again, or fetched by the office (免提交). Those an
  item of the same need produces are data sharing's;
- ``forms``: an application form per item, or one form for a merged dossier (一表申请): its
  items' forms (``Scenario.forms``) count as one document, and the fields they share are
  entered once (``Scenario.one_form_share``);
- ``acceptance``: a dossier missing anything is rejected, or one missing only a minor document
  (each item's ``minor_documents``) is accepted and the document supplied later, without a trip
  and without holding the item back (容缺受理);
- ``approval``: an item is decided after its back office, or, where it allows a commitment
  (告知承诺, ``Item.commitment``), at acceptance on the applicant's signed commitment, its back
  office then checking afterwards; a share of commitments is found false and revoked;
- ``joint_approval`` (并联审批, 四证同发): an item that needs another's output starts on the
  other's acceptance instead of its result, runs alongside it, and is decided once the other
  is; the outputs are issued together, never carried by the applicant;
- ``site_visits``: each item's site visit (a booked step, such as an inspection) booked on its
  own, or joint (联合踏勘): a visit joins the case's visit already booked when that is still
  ahead and no later than its own booking would be, so the departments come together;
- ``online`` (一网办理): which items an applicant may file online, each item where it is
  offered online today (``Item.online``), or the whole need through one portal;
- ``specialists``: whether enterprise service specialists (企服专员, 帮办代办) are offered to
  make the trips for a firm. Which channels are offered is the design's; how many applicants
  take an offered channel up is demand (``Scenario.channels``): one whose channel is not
  offered comes in person;
- ``decisions`` (智能办, one of the next steps the article announces): every file decided by a
  person after its back office, or the standard cases an item's rules can decide
  (``Item.automatable``, drawn per file under every design) decided at acceptance, in seconds,
  without the back office; the exceptions go to a person as before. No preset has it on yet;
- ``application`` (免申办, another announced next step): every applicant applies, or those the
  office finds eligible from shared data (an item's ``proactive`` share; a case is found when
  every item of its need can find it, drawn per case under every design) are served without
  applying: no trip, no document, no window, each item started ``proactive_delay`` after
  eligibility and its result in hand electronically; the rest apply as before;
- ``filing`` (跨域办, the third announced next step): an applicant files at the centre competent
  for them, or at any centre (通办) where every item of the need may be filed anywhere
  (``Item.anywhere``): one whose nearest centre is another district's (``Scenario.away``) then
  makes no far trip, and the receiving centre passes the accepted dossier on, which takes its
  ``forward`` hours before the back office. The three next steps are in ``next_steps`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import Enum

from sim.domain.value import Value


class Window(Enum):
    per_department = "per_department"
    one_stop = "one_stop"


class Checklist(Enum):
    per_item = "per_item"
    merged = "merged"


class Routing(Enum):
    sequential = "sequential"
    parallel = "parallel"


class Delivery(Enum):
    pickup = "pickup"
    mail = "mail"


class Steps(Enum):
    per_item = "per_item"
    reduced = "reduced"


class Limits(Enum):
    statutory = "statutory"
    committed = "committed"


class Licences(Enum):
    paper = "paper"
    electronic = "electronic"


class Notice(Enum):
    per_visit = "per_visit"
    one_time = "one_time"


class HeldDocuments(Enum):
    submitted = "submitted"
    fetched = "fetched"


class Forms(Enum):
    per_item = "per_item"
    one_form = "one_form"


class Acceptance(Enum):
    strict = "strict"
    tolerant = "tolerant"


class Approval(Enum):
    on_review = "on_review"
    on_commitment = "on_commitment"


class SiteVisits(Enum):
    separate = "separate"
    joint = "joint"


class Decisions(Enum):
    by_person = "by_person"
    by_rules = "by_rules"


class Application(Enum):
    on_request = "on_request"
    proactive = "proactive"


class Filing(Enum):
    home_centre = "home_centre"
    any_centre = "any_centre"


class Online(Enum):
    per_item = "per_item"
    whole_need = "whole_need"


@dataclass(kw_only=True)
class Design(Value):
    window: Window = Window.per_department
    checklist: Checklist = Checklist.per_item
    routing: Routing = Routing.sequential
    data_sharing: bool = False
    delivery: Delivery = Delivery.pickup
    steps: Steps = Steps.per_item
    limits: Limits = Limits.statutory
    licences: Licences = Licences.paper
    notice: Notice = Notice.per_visit
    held_documents: HeldDocuments = HeldDocuments.submitted
    forms: Forms = Forms.per_item
    acceptance: Acceptance = Acceptance.strict
    approval: Approval = Approval.on_review
    joint_approval: bool = False
    site_visits: SiteVisits = SiteVisits.separate
    online: Online = Online.per_item
    specialists: bool = False
    decisions: Decisions = Decisions.by_person
    application: Application = Application.on_request
    filing: Filing = Filing.home_centre

    @property
    def label(self) -> str:
        """The preset's name when the levers match one, else the levers that differ from single."""
        for name, preset in PRESETS.items():
            if preset == self:
                return name
        changed = [
            _lever_text(f.name, getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) != getattr(SINGLE, f.name)
        ]
        return "single+" + "+".join(changed)


def _lever_text(name: str, value: object) -> str:
    if isinstance(value, bool):
        return f"{name}={'on' if value else 'off'}"
    return f"{name}={value.value}"


SINGLE = Design()
ONE_STOP_WINDOW = Design(window=Window.one_stop)  # 一窗受理: the reform's first stage
BUNDLED = Design(
    window=Window.one_stop,
    checklist=Checklist.merged,
    routing=Routing.parallel,
    data_sharing=True,
    delivery=Delivery.mail,
    steps=Steps.reduced,
    limits=Limits.committed,
)
# 高效办成一件事: the bundle with every lever of the reform on (GB/T 45836-2025's "six ones").
FULL_STANDARD = replace(
    BUNDLED,
    notice=Notice.one_time,
    forms=Forms.one_form,
    held_documents=HeldDocuments.fetched,
    acceptance=Acceptance.tolerant,
    approval=Approval.on_commitment,
    joint_approval=True,
    site_visits=SiteVisits.joint,
    licences=Licences.electronic,
    online=Online.whole_need,
    specialists=True,
)
# The article's announced next steps (承诺办 is the committed limits, already in the bundle): the
# full standard with 智能办, 免申办 and 跨域办 on.
NEXT_STEPS = replace(
    FULL_STANDARD,
    decisions=Decisions.by_rules,
    application=Application.proactive,
    filing=Filing.any_centre,
)
PRESETS = {
    "single": SINGLE,
    "one_stop_window": ONE_STOP_WINDOW,
    "bundled": BUNDLED,
    "full_standard": FULL_STANDARD,
    "next_steps": NEXT_STEPS,
}
