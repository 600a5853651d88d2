"""Write schemas/pack.schema.json (``--check``: fail when it is out of date).

Kept in Python so that titles and descriptions stay next to the shape they describe.
"""
import json
from pathlib import Path

ID = "^[a-z][a-z0-9_]*$"
RESERVED = ["schema", "named", "args"]


def p(title, description, **schema):
    return {"title": title, "description": description, **schema}


text = {
    "title": "Text",
    "description": "A text in the pack's language, or a mapping of language code to text "
                   "(e.g. {nl: ..., en: ...}) for packs that carry several languages.",
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "minProperties": 1,
         "propertyNames": {"pattern": "^[a-z]{2}(-[A-Z]{2})?$"},
         "additionalProperties": {"type": "string", "minLength": 1}},
    ],
}
texts = {"type": "array", "items": {"$ref": "#/$defs/text"}}

condition = {
    "title": "Condition",
    "description": "A condition on the answers. Either `{schema: <JSON Schema>}` over the answers "
                   "document (question id -> value), or the shorthand `{question_id: value}`: "
                   "equal to a value (contains it, for lists), one of a list of values, or "
                   "`{present: true|false}`. All entries must hold.",
    "type": "object",
    "minProperties": 1,
    "anyOf": [
        {"required": ["schema"], "properties": {"schema": {
            "title": "JSON Schema", "description": "A JSON Schema over the answers document.",
            "type": ["object", "boolean"]}},
         "additionalProperties": False},
        {"propertyNames": {"pattern": ID, "not": {"enum": RESERVED}}},
    ],
}

choice = {
    "title": "Choice",
    "description": "One option: a plain value, or a value with the label shown to the user.",
    "anyOf": [
        {"type": ["string", "number", "boolean"]},
        {"type": "object", "required": ["value"], "additionalProperties": False, "properties": {
            "value": p("Value", "What is stored as the answer.",
                       type=["string", "number", "boolean"]),
            "label": p("Label", "What the user sees.", **{"$ref": "#/$defs/text"}),
        }},
    ],
}

QTYPES = ["text", "longtext", "choice", "multichoice", "bool", "date", "number", "scale", "list",
          "records"]

question_props = {
    "id": p("Id", "Unique in the pack; the key of the answer. Lowercase letters, digits, _.",
            type="string", pattern=ID, **{"not": {"enum": RESERVED}}),
    "text": p("Question", "The question as it is asked.", **{"$ref": "#/$defs/text"}),
    "help": p("Help", "Shown when the user asks for help (?).", **{"$ref": "#/$defs/text"}),
    "answered_by": p("Answered by", "The role that answers (a role id), or `together`.",
                     type="string", pattern=ID),
    "type": p("Type", "How the answer is asked and stored. `records` is a repeatable group of "
              "fields, such as an action table.", type="string", enum=QTYPES),
    "required": p("Required", "An answer is needed to move on.", type="boolean"),
    "private": p("Private", "The answer stays in the plan but is left out of every document "
                 "printed from it (the pack's templates and the built-in md and html).",
                 type="boolean"),
    "default": p("Default", "Offered when the question is asked."),
    "choices": p("Choices", "The options of a choice or multichoice question.", type="array",
                 minItems=1, items={"$ref": "#/$defs/choice"}),
    "choices_from": p("Choices from settings", "Take the options from a list in the pack's "
                      "settings, by dotted key (e.g. `competenties.generiek`).", type="string"),
    "pick_from": p("Pick from the plan", "`actions`: the answer names one of the plan's "
                   "agreed actions (the rows its `smart` rule checks): pop lists them, "
                   "numbered, and a number picks one (its text is stored); the evaluation "
                   "says which actions it leaves out. For a `text` question, or a field of "
                   "a `records` question (a row per action).",
                   type="string", enum=["actions"]),
    "min": p("Minimum", "Lowest value of a number or scale.", type="number"),
    "max": p("Maximum", "Highest value of a number or scale.", type="number"),
    "unit": p("Unit", "The unit of a number (`minuten`): an answer may name it (`60 minuten`, "
              "`60 min`).", **{"$ref": "#/$defs/text"}),
    "when": p("Asked when", "Only asked when this condition on earlier answers holds.",
              **{"$ref": "#/$defs/condition"}),
    "schema": p("Value schema", "A JSON Schema the answer must satisfy.",
                type=["object", "boolean"]),
    "fields": p("Fields", "The fields of one record (for type `records`).", type="array",
                minItems=1, items={"$ref": "#/$defs/question"}),
    "min_items": p("At least", "Fewest records or list items.", type="integer", minimum=0),
    "max_items": p("At most", "Most records or list items.", type="integer", minimum=1),
    "examples": p("Examples", "Example answers shown to the user (never stored as answers).",
                  type="array"),
    "after": p("After", "In a pack that extends another: put this question after the one "
               "with this id.", type="string", pattern=ID),
    "before": p("Before", "In a pack that extends another: put this question before the one "
                "with this id.", type="string", pattern=ID),
}

question = {
    "title": "Question",
    "description": "One question of a step.",
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": question_props,
    "allOf": [
        {"if": {"properties": {"type": {"const": "records"}}, "required": ["type"]},
         "then": {"required": ["fields"]}},
        {"if": {"properties": {"type": {"enum": ["choice", "multichoice"]}}, "required": ["type"]},
         "then": {"anyOf": [{"required": ["choices"]}, {"required": ["choices_from"]}]}},
        {"if": {"required": ["pick_from"]},
         "then": {"properties": {"type": {"const": "text"}}}},
    ],
}

guidance = {
    "title": "Guidance",
    "description": "What the conversation leader reads at this step.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "text": p("Text", "What to do at this step.", **{"$ref": "#/$defs/text"}),
        "tips": p("Tips", "Advice for the leader.", **texts),
        "pitfalls": p("Pitfalls", "What to avoid (the DON'Ts).", **texts),
        "example_questions": p("Example questions", "Open questions the leader may ask "
                               "(the DO's).", **texts),
    },
}

step = {
    "title": "Step",
    "description": "One step of a phase's agenda.",
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {
        "id": p("Id", "Unique in the pack; not a phase name.", type="string", pattern=ID,
                **{"not": {"enum": ["preparation", "conversation", "follow_up", "evaluation",
                                    "closed"]}}),
        "title": p("Title", "Shown as the step's heading.", **{"$ref": "#/$defs/text"}),
        "answered_by": p("Answered by", "Default role for the step's questions.",
                         type="string", pattern=ID),
        "guidance": {"$ref": "#/$defs/guidance"},
        "when": p("Applies when", "The step is taken only when this condition holds over the "
                  "answers so far: otherwise it is left out of the agenda and of the plan's "
                  "documents, and the guide says when it applies.",
                  **{"$ref": "#/$defs/condition"}),
        "questions": p("Questions", "Asked in this order.", type="array",
                       items={"$ref": "#/$defs/question"}),
        "previous": p("From the previous cycle", "Question ids whose answers in the previous "
                      "cycle's plan (e.g. its actions and their outcome) are shown at this step "
                      "as the terugblik.", type="array", items={"type": "string", "pattern": ID}),
        "after": p("After", "In a pack that extends another: put this step after the one with "
                   "this id.", type="string", pattern=ID),
        "before": p("Before", "In a pack that extends another: put this step before the one "
                    "with this id.", type="string", pattern=ID),
    },
}

phase = {
    "title": "Phase",
    "description": "One phase of the POP lifecycle with its ordered agenda.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title": p("Title", "Shown as the phase's heading (e.g. VOOR, TIJDENS, NA).",
                   **{"$ref": "#/$defs/text"}),
        "description": p("Description", "What the phase is for.", **{"$ref": "#/$defs/text"}),
        "steps": p("Steps", "The agenda of the phase, in order.", type="array",
                   items={"$ref": "#/$defs/step"}),
    },
}

rule = {
    "title": "Rule",
    "description": "A check on the answers.",
    "type": "object",
    "required": ["id", "at", "severity", "message"],
    "if": {"properties": {"severity": {"enum": ["error", "warning"]}}},
    "then": {"required": ["check"]},
    "additionalProperties": False,
    "properties": {
        "id": p("Id", "Unique in the pack.", type="string", pattern=ID),
        "at": p("Where", "A step id (checked when leaving the step) or a phase name (checked "
                "when leaving the phase).", type="string", pattern=ID),
        "severity": p("Severity", "`error` blocks, `warning` may be overridden with a reason, "
                      "`hint` shows guidance at that point.", type="string",
                      enum=["error", "warning", "hint"]),
        "message": p("Message", "Shown when the check fails (for a hint: the guidance).",
                     **{"$ref": "#/$defs/text"}),
        "when": p("Applies when", "The rule only applies when this condition holds.",
                  **{"$ref": "#/$defs/condition"}),
        "check": p("Check", "A condition the answers must meet, or `{named: CHECK, args: {...}}` "
                   "for a check registered by pop or a plugin (e.g. `smart`).",
                   anyOf=[
                       {"type": "object", "required": ["named"], "additionalProperties": False,
                        "properties": {
                            "named": p("Check name", "A registered named check.",
                                       type="string", minLength=1),
                            "args": p("Arguments", "Passed to the check.", type="object")}},
                       {"$ref": "#/$defs/condition"},
                   ]),
    },
}

schedule_item = {
    "title": "Schedule item",
    "description": "A moment in the cycle: an offset in days from the conversation, or a date "
                   "the user gives in a date question. Two kinds are duties of the "
                   "organisation rather than moments of one plan: first_pop (a person hired "
                   "offset_days ago still has no plan) and yearly_update (the last "
                   "conversation was offset_days ago and no next cycle started).",
    "type": "object",
    "required": ["id", "title", "kind"],
    "additionalProperties": False,
    "properties": {
        "id": p("Id", "Unique in the pack.", type="string", pattern=ID),
        "title": p("Title", "What happens then.", **{"$ref": "#/$defs/text"}),
        "kind": p("Kind", "What is due.", type="string",
                  enum=["announcement", "preparation", "checkin", "evaluation", "meeting",
                        "first_pop", "yearly_update"]),
        "offset_days": p("Offset in days", "Days from the conversation date (negative: before); "
                         "for first_pop, from the hiring date.", type="integer"),
        "question": p("Date question", "The id of a date question whose answer gives the date.",
                      type="string", pattern=ID),
        "roles": p("Roles", "Who it is for.", type="array", items={"type": "string"}),
    },
    "oneOf": [{"required": ["offset_days"]}, {"required": ["question"]}],
}

output = {
    "title": "Output",
    "description": "A document rendered from a template in the pack's templates/ folder.",
    "type": "object",
    "required": ["id", "title", "template"],
    "additionalProperties": False,
    "properties": {
        "id": p("Id", "Unique in the pack; the name used with --template.", type="string",
                pattern="^[a-z][a-z0-9_-]*$"),
        "title": p("Title", "The document's name.", **{"$ref": "#/$defs/text"}),
        "template": p("Template", "Path under templates/ (Jinja2; .md.j2 or .html.j2).",
                      type="string", minLength=1),
        "of": p("Of", "Rendered from a plan, or from the pack alone (a guide).", type="string",
                enum=["plan", "pack"]),
    },
}

role = {
    "title": "Role",
    "description": "A person taking part in the conversation.",
    "type": "object",
    "required": ["id", "name"],
    "additionalProperties": False,
    "properties": {
        "id": p("Id", "Used in answered_by and in `pop sign --role`.", type="string",
                pattern=ID),
        "name": p("Name", "How the role is called in this pack (e.g. Medewerker, Monitor).",
                  **{"$ref": "#/$defs/text"}),
        "subject": p("Subject", "The plan is about this person (exactly one role).",
                     type="boolean"),
        "signs": p("Signs", "This role must sign for the plan to be agreed.", type="boolean"),
    },
}

source = {
    "title": "Source", "description": "A document the pack's content comes from.",
    "type": "object", "required": ["title"], "additionalProperties": False,
    "properties": {
        "title": p("Title", "The document's title.", type="string"),
        "author": p("Author", "Who wrote or published it.", type="string"),
        "file": p("File", "Where the source text is kept.", type="string"),
        "url": p("Address", "Where it was published.", type="string"),
        "note": p("Note", "What the pack takes from it.", type="string"),
    },
}

schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://pop-engine.invalid/schemas/pack.schema.json",
    "title": "pop content pack",
    "description": "A POP-gesprek guide as data: phases, agenda steps, questions, rules, "
                   "schedule and outputs.",
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {
        "$schema": p("Schema", "The schema this file follows (for editors).", type="string"),
        "id": p("Id", "The pack's id, as used in `pop run --pack ID`.", type="string",
                pattern="^[a-z][a-z0-9_-]*$", maxLength=64),
        "name": p("Name", "The pack's full name.", **{"$ref": "#/$defs/text"}),
        "version": p("Version", "The pack's version (e.g. 1.0.0).", type="string",
                     pattern="^[0-9]+(\\.[0-9]+)*([-+.][0-9A-Za-z.-]+)?$"),
        "language": p("Language", "Language of the pack's texts (BCP 47, e.g. nl-BE).",
                      type="string", pattern="^[a-z]{2}(-[A-Z]{2})?$"),
        "description": p("Description", "What the pack is for and who uses it.",
                         **{"$ref": "#/$defs/text"}),
        "licence": p("Licence", "Under what terms the pack may be used.", type="string"),
        "sources": p("Sources", "The documents the content comes from.", type="array",
                     items=source),
        "extends": p("Extends", "The id of a pack this one builds on: everything is inherited "
                     "and overridden or added by id.", type="string", minLength=1),
        "remove": p("Remove", "In a pack that extends another: the ids of inherited steps, "
                    "questions, rules, roles, schedule items or outputs to leave out.",
                    type="array", uniqueItems=True,
                    items={"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"}),
        "roles": p("Roles", "The people taking part.", type="array", items=role),
        "settings": p("Settings", "Lists and values the organisation fills in (e.g. its "
                      "competences), used by `choices_from`.", type="object"),
        "phases": p("Phases", "The lifecycle phases this pack uses, each with its agenda.",
                    type="object", additionalProperties=False, properties={
                        name: {"$ref": "#/$defs/phase"}
                        for name in ("preparation", "conversation", "follow_up", "evaluation")}),
        "rules": p("Rules", "Checks on the answers.", type="array", items={"$ref": "#/$defs/rule"}),
        "schedule": p("Schedule", "Moments of the cycle (announcement, follow-up, evaluation).",
                      type="array", items=schedule_item),
        "outputs": p("Outputs", "Documents rendered from templates.", type="array", items=output),
    },
    "if": {"not": {"required": ["extends"]}},
    "then": {"required": ["id", "name", "version", "language", "roles", "phases"]},
    "$defs": {"text": text, "condition": condition, "choice": choice, "question": question,
              "guidance": guidance, "step": step, "phase": phase, "rule": rule},
}

if __name__ == "__main__":
    import sys

    out = Path(__file__).resolve().parent.parent / "schemas" / "pack.schema.json"
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        sys.exit(0 if out.read_text(encoding="utf-8") == text else
                 f"{out} is out of date: run python tools/make_pack_schema.py")
    out.write_text(text, encoding="utf-8")
    print(out)
