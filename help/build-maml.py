#!/usr/bin/env python3
"""Builds help/en-US/HiApi.Video.dll-Help.xml (MAML) from the platyPS-style Markdown in help/.

    python3 help/build-maml.py           # check the Markdown against the cmdlet sources, then write the MAML
    python3 help/build-maml.py --check   # check only, and fail if the committed MAML is out of date
    python3 help/build-maml.py --force   # write the MAML even when the check finds problems (still exits 1)

Every help/*.md whose front matter names an "external help file" is one cmdlet; the module page
(HiApi.Video.md) is skipped. To document a new cmdlet: copy the page of a similar cmdlet to
help/<Verb-Noun>.md, edit it, list it in HiApi.Video.md, and run this script. The check below says
what the page still gets wrong (a new parameter type only needs a line in FULL_TYPES).

The check reads src/HiApi.Video/Commands/*.cs (and the base class's parameters) and compares
what the Markdown says with what PowerShell would see: every parameter documented and no other, type,
parameter sets, aliases, Required, Position, pipeline input, ValidateSet values, the SYNTAX blocks (in
PowerShell's display order), [-WhatIf] [-Confirm] exactly where SupportsShouldProcess is set, and at
least three examples per cmdlet. Then it parses the MAML it wrote and checks that every parameter is in it.
Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HELP_DIR = Path(__file__).resolve().parent
REPO = HELP_DIR.parent
MAML_FILE = HELP_DIR / "en-US" / "HiApi.Video.dll-Help.xml"
COMMANDS_DIR = REPO / "src" / "HiApi.Video" / "Commands"
CONSTANT_SOURCES = [REPO / "src" / "HiApi.Client" / "Models" / "HiApiModels.cs"]

NS_MSH = "http://msh"
NS_MAML = "http://schemas.microsoft.com/maml/2004/10"
NS_COMMAND = "http://schemas.microsoft.com/maml/dev/command/2004/10"
NS_DEV = "http://schemas.microsoft.com/maml/dev/2004/10"
NS_MSHELP = "http://msdn.microsoft.com/mshelp"

SHOULD_PROCESS = ("WhatIf", "Confirm")


class HelpError(Exception):
    pass


# ----------------------------------------------------------------------------------------------
# Markdown (platyPS schema 2.0.0)
# ----------------------------------------------------------------------------------------------

@dataclass
class ParamBlock:
    """One ```yaml block under a ### -Parameter heading (platyPS writes one per group of sets)."""
    type: str
    sets: list[str]  # ["(All)"] or set names
    aliases: list[str]
    accepted: list[str]
    required: bool
    position: str  # "0", "1", ... or "Named"
    default: str
    pipeline: str
    wildcard: bool


@dataclass
class Param:
    name: str
    description: list[str]
    blocks: list[ParamBlock]

    def block_for(self, set_name: str) -> ParamBlock | None:
        for block in self.blocks:
            if "(All)" in block.sets or set_name in block.sets:
                return block
        return None


@dataclass
class Example:
    title: str
    introduction: list[str]
    code: str
    remarks: list[str]


@dataclass
class TypeEntry:
    name: str
    description: list[str]


@dataclass
class Link:
    text: str
    uri: str


@dataclass
class Command:
    name: str
    path: Path
    front: dict[str, str]
    synopsis: list[str] = field(default_factory=list)
    syntax: list[tuple[str, bool, str]] = field(default_factory=list)  # (set name, is default, text)
    description: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    common_parameters: bool = False
    inputs: list[TypeEntry] = field(default_factory=list)
    outputs: list[TypeEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def verb(self) -> str:
        return self.name.split("-", 1)[0]

    @property
    def noun(self) -> str:
        return self.name.split("-", 1)[1]

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name.lower() == name.lower()), None)


def read_front_matter(lines: list[str], path: Path) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    front: dict[str, str] = {}
    for index in range(1, len(lines)):
        line = lines[index]
        if line.strip() == "---":
            return front, index + 1
        key, _, value = line.partition(":")
        front[key.strip()] = value.strip()
    raise HelpError(f"{path.name}: front matter is not closed")


def split_sections(lines: list[str], marker: str) -> list[tuple[str, list[str]]]:
    """Splits at headings that start with marker ('## ' or '### '), outside code fences."""
    sections: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    in_fence = False
    for line in lines:
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.startswith(marker):
            current = (line[len(marker):].strip(), [])
            sections.append(current)
        elif current is not None:
            current[1].append(line)
    return sections


def code_blocks(lines: list[str]) -> list[tuple[str, str]]:
    """(info string, text) of each fenced block."""
    blocks = []
    info = None
    body: list[str] = []
    for line in lines:
        if line.startswith("```"):
            if info is None:
                info = line[3:].strip()
                body = []
            else:
                blocks.append((info, "\n".join(body)))
                info = None
        elif info is not None:
            body.append(line)
    if info is not None:
        raise HelpError("unclosed code fence")
    return blocks


def inline(text: str) -> str:
    """Markdown inline markup to the plain text Get-Help shows."""
    text = re.sub(r"\[([^\]]+)\]\(([^)]*)\)",
                  lambda m: m.group(1) if m.group(2).endswith(".md") or not m.group(2) else f"{m.group(1)} ({m.group(2)})",
                  text)
    text = text.replace("**", "")
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return text


def paragraphs(lines: list[str]) -> list[str]:
    """Prose to MAML paragraphs: one per blank-line separated block, one per list item, code kept verbatim."""
    result: list[str] = []
    buffer: list[str] = []
    in_fence = False
    fence: list[str] = []

    def flush() -> None:
        if buffer:
            result.append(inline(" ".join(part.strip() for part in buffer)))
            buffer.clear()

    for line in lines:
        if line.startswith("```"):
            if in_fence:
                result.append("\n".join(fence))
                fence = []
            else:
                flush()
            in_fence = not in_fence
            continue
        if in_fence:
            fence.append(line)
            continue
        stripped = line.strip()
        if not stripped:
            flush()
        elif re.match(r"^([-*]|\d+\.) ", stripped):
            flush()
            buffer.append(stripped)
        elif stripped.startswith("|"):
            flush()
            result.append(inline(stripped))
        else:
            buffer.append(stripped)
    flush()
    return result


def parse_yaml_block(text: str, where: str) -> ParamBlock:
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise HelpError(f"{where}: not a 'Key: value' line: {line!r}")
        values[key.strip()] = value.strip()
    required_keys = ["Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value",
                     "Accept pipeline input", "Accept wildcard characters"]
    missing = [key for key in required_keys if key not in values]
    if missing:
        raise HelpError(f"{where}: yaml block lacks {', '.join(missing)}")

    def split(value: str) -> list[str]:
        return [item.strip() for item in value.split(",") if item.strip()]

    return ParamBlock(
        type=values["Type"],
        sets=split(values["Parameter Sets"]),
        aliases=split(values["Aliases"]),
        accepted=split(values.get("Accepted values", "")),
        required=values["Required"].lower() == "true",
        position=values["Position"],
        default=values["Default value"],
        pipeline=values["Accept pipeline input"],
        wildcard=values["Accept wildcard characters"].lower() == "true",
    )


def type_entries(lines: list[str]) -> list[TypeEntry]:
    return [TypeEntry(title, paragraphs(body)) for title, body in split_sections(lines, "### ")]


def parse_command(path: Path) -> Command | None:
    lines = path.read_text(encoding="utf-8").splitlines()
    front, start = read_front_matter(lines, path)
    if "external help file" not in front:
        return None  # the module page
    body = lines[start:]
    title = next((line[2:].strip() for line in body if line.startswith("# ")), None)
    if not title:
        raise HelpError(f"{path.name}: no '# Cmdlet-Name' title")
    command = Command(title, path, front)
    sections = dict(split_sections(body, "## "))
    expected = ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"]
    missing = [name for name in expected if name not in sections]
    if missing:
        raise HelpError(f"{path.name}: missing sections {', '.join(missing)}")

    command.synopsis = paragraphs(sections["SYNOPSIS"])

    syntax_sets = split_sections(sections["SYNTAX"], "### ")
    if not syntax_sets:
        syntax_sets = [("__AllParameterSets (Default)", sections["SYNTAX"])]
    for heading, block_lines in syntax_sets:
        is_default = heading.endswith("(Default)")
        set_name = heading.removesuffix("(Default)").strip()
        blocks = code_blocks(block_lines)
        if len(blocks) != 1:
            raise HelpError(f"{path.name}: syntax set {set_name} needs exactly one code block")
        command.syntax.append((set_name, is_default, blocks[0][1].strip()))

    command.description = paragraphs(sections["DESCRIPTION"])

    for heading, example_lines in split_sections(sections["EXAMPLES"], "### "):
        blocks = code_blocks(example_lines)
        if not blocks:
            raise HelpError(f"{path.name}: example '{heading}' has no code")
        first_fence = next(i for i, line in enumerate(example_lines) if line.startswith("```"))
        last_fence = max(i for i, line in enumerate(example_lines) if line.startswith("```"))
        command.examples.append(Example(
            title=heading,
            introduction=paragraphs(example_lines[:first_fence]),
            code="\n\n".join(text for _, text in blocks),
            remarks=paragraphs(example_lines[last_fence + 1:]),
        ))

    for heading, param_lines in split_sections(sections["PARAMETERS"], "### "):
        if heading == "CommonParameters":
            command.common_parameters = True
            continue
        if not heading.startswith("-"):
            raise HelpError(f"{path.name}: parameter heading '{heading}' must start with '-'")
        name = heading[1:]
        yaml_blocks = [text for info, text in code_blocks(param_lines) if info == "yaml"]
        if not yaml_blocks:
            raise HelpError(f"{path.name}: -{name} has no yaml block")
        first_fence = next(i for i, line in enumerate(param_lines) if line.startswith("```"))
        command.params.append(Param(
            name=name,
            description=paragraphs(param_lines[:first_fence]),
            blocks=[parse_yaml_block(text, f"{path.name} -{name}") for text in yaml_blocks],
        ))

    command.inputs = type_entries(sections["INPUTS"])
    command.outputs = type_entries(sections["OUTPUTS"])
    command.notes = paragraphs(sections["NOTES"])
    for line in sections["RELATED LINKS"]:
        match = re.match(r"^\s*\[([^\]]+)\]\(([^)]*)\)", line)
        if match:
            uri = match.group(2)
            command.links.append(Link(match.group(1), "" if uri.endswith(".md") else uri))
    return command


def load_commands() -> list[Command]:
    commands = []
    for path in sorted(HELP_DIR.glob("*.md")):
        command = parse_command(path)
        if command is not None:
            commands.append(command)
    return commands


def syntax_parameter_names(text: str) -> list[str]:
    return re.findall(r"(?<=[\s\[])-([A-Za-z]\w*)", text)


# ----------------------------------------------------------------------------------------------
# MAML
# ----------------------------------------------------------------------------------------------

class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def open(self, tag: str, attributes: dict[str, str] | None = None) -> None:
        self.lines.append("  " * self.depth + f"<{tag}{self._attributes(attributes)}>")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.lines.append("  " * self.depth + f"</{tag}>")

    def leaf(self, tag: str, text: str | None = None, attributes: dict[str, str] | None = None) -> None:
        if text is None or text == "":
            self.lines.append("  " * self.depth + f"<{tag}{self._attributes(attributes)} />")
        else:
            self.lines.append("  " * self.depth + f"<{tag}{self._attributes(attributes)}>{escape(text)}</{tag}>")

    def paras(self, tag: str, texts: list[str]) -> None:
        self.open(tag)
        for text in texts or [""]:
            self.leaf("maml:para", text)
        self.close(tag)

    @staticmethod
    def _attributes(attributes: dict[str, str] | None) -> str:
        if not attributes:
            return ""
        return "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())


def short_type(type_name: str) -> str:
    """System.Nullable`1[System.Int32] -> Int32, HiApi.Client.HiApiTask[] -> HiApiTask[]."""
    match = re.fullmatch(r"System\.Nullable`1\[(.+)\]", type_name)
    if match:
        type_name = match.group(1)
    return type_name.rsplit(".", 1)[-1]


def is_switch(block: ParamBlock) -> bool:
    return short_type(block.type) == "SwitchParameter"


def write_parameter(w: Writer, param: Param, block: ParamBlock, in_syntax: bool) -> None:
    w.open("command:parameter", {
        "required": str(block.required).lower(),
        "variableLength": "true",
        "globbing": str(block.wildcard).lower(),
        "pipelineInput": block.pipeline,
        "position": block.position.lower(),
        "aliases": ", ".join(block.aliases) if block.aliases else "none",
    })
    w.leaf("maml:name", param.name)
    w.paras("maml:Description", param.description)
    if in_syntax and block.accepted:
        w.open("command:parameterValueGroup")
        for value in block.accepted:
            w.leaf("command:parameterValue", value, {"required": "false", "command:variableLength": "false"})
        w.close("command:parameterValueGroup")
    if not (in_syntax and is_switch(block)):
        w.leaf("command:parameterValue", short_type(block.type),
               {"required": "false" if is_switch(block) else "true", "variableLength": "false"})
    w.open("dev:type")
    w.leaf("maml:name", block.type)
    w.leaf("maml:uri")
    w.close("dev:type")
    w.leaf("dev:defaultValue", block.default or "None")
    w.close("command:parameter")


def example_title(index: int, title: str) -> str:
    text = f" {title} "
    pad = max(2, (64 - len(text)) // 2)
    return "-" * pad + text + "-" * pad


def render_maml(commands: list[Command]) -> str:
    w = Writer()
    w.lines.append('<?xml version="1.0" encoding="utf-8"?>')
    w.open("helpItems", {"schema": "maml", "xmlns": NS_MSH})
    for command in commands:
        w.open("command:command", {
            "xmlns:maml": NS_MAML, "xmlns:command": NS_COMMAND, "xmlns:dev": NS_DEV, "xmlns:MSHelp": NS_MSHELP})
        w.open("command:details")
        w.leaf("command:name", command.name)
        w.leaf("command:verb", command.verb)
        w.leaf("command:noun", command.noun)
        w.paras("maml:description", command.synopsis)
        w.close("command:details")
        w.paras("maml:description", command.description)

        w.open("command:syntax")
        for set_name, _, text in command.syntax:
            w.open("command:syntaxItem")
            w.leaf("maml:name", command.name)
            for name in syntax_parameter_names(text):
                param = command.param(name)
                block = param.block_for(set_name) if param else None
                if param is None or block is None:
                    raise HelpError(f"{command.name}: -{name} is in the {set_name} syntax but has no yaml block for it")
                write_parameter(w, param, block, in_syntax=True)
            w.close("command:syntaxItem")
        w.close("command:syntax")

        w.open("command:parameters")
        for param in command.params:
            write_parameter(w, param, param.blocks[0], in_syntax=False)
        w.close("command:parameters")

        for group, item, entries in (("command:inputTypes", "command:inputType", command.inputs),
                                     ("command:returnValues", "command:returnValue", command.outputs)):
            w.open(group)
            for entry in entries:
                w.open(item)
                w.open("dev:type")
                w.leaf("maml:name", entry.name)
                w.close("dev:type")
                w.paras("maml:description", entry.description)
                w.close(item)
            w.close(group)

        w.open("maml:alertSet")
        w.open("maml:alert")
        for text in command.notes or [""]:
            w.leaf("maml:para", text)
        w.close("maml:alert")
        w.close("maml:alertSet")

        w.open("command:examples")
        for index, example in enumerate(command.examples, start=1):
            w.open("command:example")
            w.leaf("maml:title", example_title(index, example.title))
            if example.introduction:
                w.paras("maml:introduction", example.introduction)
            w.leaf("dev:code", example.code)
            w.paras("dev:remarks", example.remarks)
            w.close("command:example")
        w.close("command:examples")

        w.open("command:relatedLinks")
        for link in command.links:
            w.open("maml:navigationLink")
            w.leaf("maml:linkText", link.text)
            w.leaf("maml:uri", link.uri)
            w.close("maml:navigationLink")
        w.close("command:relatedLinks")
        w.close("command:command")
    w.close("helpItems")
    return "\n".join(w.lines) + "\n"


# ----------------------------------------------------------------------------------------------
# The cmdlet sources, read the way PowerShell reads the compiled attributes
# ----------------------------------------------------------------------------------------------

FULL_TYPES = {
    "string": "System.String",
    "string?": "System.String",
    "string[]": "System.String[]",
    "int": "System.Int32",
    "int[]": "System.Int32[]",
    "decimal": "System.Decimal",
    "int?": "System.Nullable`1[System.Int32]",
    "long": "System.Int64",
    "double": "System.Double",
    "object": "System.Object",
    "object?": "System.Object",
    "SecureString": "System.Security.SecureString",
    "SecureString?": "System.Security.SecureString",
    "SwitchParameter": "System.Management.Automation.SwitchParameter",
    "HiApiTask[]": "HiApi.Client.HiApiTask[]",
    "PSObject": "System.Management.Automation.PSObject",
    "PSObject?": "System.Management.Automation.PSObject",
    "PSObject[]": "System.Management.Automation.PSObject[]",
    "DateTime?": "System.Nullable`1[System.DateTime]",
    "IDictionary": "System.Collections.IDictionary",
    "IDictionary?": "System.Collections.IDictionary",
}


@dataclass
class SourceParam:
    name: str
    type: str  # full .NET name
    sets: dict[str, dict[str, object]]  # set name ("__AllParameterSets" when none) -> Parameter attribute values
    aliases: list[str]
    accepted: list[str]
    order: int

    @property
    def is_switch(self) -> bool:
        return self.type.endswith("SwitchParameter")


@dataclass
class SourceCmdlet:
    name: str
    default_set: str | None
    should_process: bool
    params: list[SourceParam]

    def set_names(self) -> list[str]:
        """The parameter sets PowerShell builds. A DefaultParameterSetName that no parameter names is still a set
        (like Get-Job's): PowerShell puts it first, holding only the parameters that are in every set."""
        names: list[str] = []
        for param in self.params:
            for name in param.sets:
                if name != "__AllParameterSets" and name not in names:
                    names.append(name)
        if names and self.default_set is not None and self.default_set not in names:
            names.insert(0, self.default_set)
        return names or ["__AllParameterSets"]

    def params_in(self, set_name: str) -> list[tuple[SourceParam, dict[str, object]]]:
        result = []
        for param in self.params:
            attributes = param.sets.get(set_name) or param.sets.get("__AllParameterSets")
            if attributes is not None:
                result.append((param, attributes))
        return result


def read_constants() -> dict[str, str]:
    constants: dict[str, str] = {}
    for path in CONSTANT_SOURCES:
        class_name = path.stem
        for match in re.finditer(r'const\s+string\s+(\w+)\s*=\s*"([^"]*)"', path.read_text(encoding="utf-8")):
            constants[f"{class_name}.{match.group(1)}"] = match.group(2)
    return constants


def resolve(value: str, local: dict[str, str], constants: dict[str, str]) -> str:
    value = value.strip()
    if value.startswith('"'):
        return value.strip('"')
    if value in local:
        return local[value]
    if value in constants:
        return constants[value]
    raise HelpError(f"cannot resolve constant {value}")


def parse_source(path: Path, constants: dict[str, str], base: list[SourceParam] | None) -> tuple[str | None, SourceCmdlet | None, list[SourceParam]]:
    text = path.read_text(encoding="utf-8")
    local = {m.group(1): m.group(2) for m in re.finditer(r'const\s+string\s+(\w+)\s*=\s*"([^"]*)"', text)}
    params: list[SourceParam] = []
    property_pattern = re.compile(
        r"((?:[ \t]*\[[^\n]*\][ \t]*\n|[ \t]*///[^\n]*\n)+)[ \t]*public\s+([\w\[\]?.]+)\s+(\w+)\s*\{\s*get;\s*set;\s*\}")
    for match in property_pattern.finditer(text):
        attributes, type_name, name = match.group(1), match.group(2), match.group(3)
        parameter_attributes = re.findall(r"\[Parameter(?:\(([^)]*)\))?\]", attributes)
        if not parameter_attributes:
            continue
        sets: dict[str, dict[str, object]] = {}
        for arguments in parameter_attributes:
            values: dict[str, object] = {"Mandatory": False, "Position": None,
                                         "ValueFromPipeline": False, "ValueFromPipelineByPropertyName": False}
            set_name = "__AllParameterSets"
            for argument in filter(None, (part.strip() for part in (arguments or "").split(","))):
                key, _, value = (part.strip() for part in argument.partition("="))
                if key == "ParameterSetName":
                    set_name = resolve(value, local, constants)
                elif key == "Position":
                    values["Position"] = int(value)
                elif key in values:
                    values[key] = value == "true"
            sets[set_name] = values
        alias_match = re.search(r"\[Alias\(([^)]*)\)\]", attributes)
        aliases = [resolve(a, local, constants) for a in alias_match.group(1).split(",")] if alias_match else []
        set_match = re.search(r"\[ValidateSet\(([^)]*)\)\]", attributes)
        accepted = [resolve(v, local, constants) for v in set_match.group(1).split(",")] if set_match else []
        if type_name not in FULL_TYPES:
            raise HelpError(f"{path.name}: add the type {type_name} of -{name} to FULL_TYPES")
        params.append(SourceParam(name, FULL_TYPES[type_name], sets, aliases, accepted, len(params)))

    cmdlet_match = re.search(r'\[Cmdlet\(Verbs\w+\.(\w+),\s*"([\w-]+)"([^\]]*)\)\]', text)
    if not cmdlet_match:
        return None, None, params
    default_match = re.search(r"DefaultParameterSetName\s*=\s*(\w+|\"[^\"]*\")", cmdlet_match.group(3))
    should_process = re.search(r"SupportsShouldProcess\s*=\s*true", cmdlet_match.group(3)) is not None
    # Reflection lists the cmdlet's own properties first, then the base class's (only for cmdlets derived from it:
    # Start-HiApiMock and Stop-HiApiMock derive from PSCmdlet).
    inherited = (base or []) if re.search(r"class\s+\w+\s*:\s*HiApiCommandBase\b", text) else []
    all_params = params + [SourceParam(p.name, p.type, p.sets, p.aliases, p.accepted, len(params) + p.order) for p in inherited]
    cmdlet = SourceCmdlet(
        name=f"{cmdlet_match.group(1)}-{cmdlet_match.group(2)}",
        default_set=resolve(default_match.group(1), local, constants) if default_match else None,
        should_process=should_process,
        params=all_params,
    )
    return cmdlet.name, cmdlet, params


def load_sources() -> dict[str, SourceCmdlet]:
    constants = read_constants()
    _, _, base = parse_source(COMMANDS_DIR / "HiApiCommandBase.cs", constants, None)
    cmdlets = {}
    for path in sorted(COMMANDS_DIR.glob("*.cs")):
        if path.name == "HiApiCommandBase.cs":
            continue
        name, cmdlet, _ = parse_source(path, constants, base)
        if cmdlet is not None:
            cmdlets[name] = cmdlet
    return cmdlets


def expected_syntax(cmdlet: SourceCmdlet, set_name: str) -> str:
    """The order Get-Command -Syntax and platyPS use: positional by position, then mandatory named,
    then optional named, then [-WhatIf] [-Confirm], then [<CommonParameters>]."""
    members = cmdlet.params_in(set_name)
    parts = []

    def value(param: SourceParam) -> str:
        return "" if param.is_switch else f" <{short_type(param.type)}>"

    positional = sorted((p for p in members if p[1]["Position"] is not None), key=lambda p: p[1]["Position"])
    for param, attributes in positional:
        text = f"[-{param.name}]{value(param)}"
        parts.append(text if attributes["Mandatory"] else f"[{text}]")
    for param, attributes in members:
        if attributes["Position"] is None and attributes["Mandatory"]:
            parts.append(f"-{param.name}{value(param)}")
    for param, attributes in members:
        if attributes["Position"] is None and not attributes["Mandatory"]:
            parts.append(f"[-{param.name}{value(param)}]")
    if cmdlet.should_process:
        parts += ["[-WhatIf]", "[-Confirm]"]
    parts.append("[<CommonParameters>]")
    return " ".join([cmdlet.name] + parts)


def pipeline_text(attributes: dict[str, object]) -> str:
    kinds = []
    if attributes["ValueFromPipelineByPropertyName"]:
        kinds.append("ByPropertyName")
    if attributes["ValueFromPipeline"]:
        kinds.append("ByValue")
    return f"True ({', '.join(kinds)})" if kinds else "False"


def check(commands: list[Command], sources: dict[str, SourceCmdlet]) -> list[str]:
    problems: list[str] = []
    documented = {c.name: c for c in commands}
    for name in sources:
        if name not in documented:
            problems.append(f"{name}: no help/{name}.md")
    for name in documented:
        if name not in sources:
            problems.append(f"{name}: documented but not found in {COMMANDS_DIR.relative_to(REPO)}")

    for name, cmdlet in sources.items():
        command = documented.get(name)
        if command is None:
            continue
        where = f"{command.path.name}"
        if command.front.get("external help file") != "HiApi.Video.dll-Help.xml":
            problems.append(f"{where}: external help file must be HiApi.Video.dll-Help.xml")
        if command.front.get("Module Name") != "HiApi.Video":
            problems.append(f"{where}: Module Name must be HiApi.Video")
        if command.front.get("schema") != "2.0.0":
            problems.append(f"{where}: schema must be 2.0.0")
        if len(command.examples) < 3:
            problems.append(f"{where}: {len(command.examples)} examples, at least 3 wanted")
        if not command.common_parameters:
            problems.append(f"{where}: no ### CommonParameters")
        for section, value in (("SYNOPSIS", command.synopsis), ("DESCRIPTION", command.description),
                               ("INPUTS", command.inputs), ("OUTPUTS", command.outputs), ("NOTES", command.notes)):
            if not value:
                problems.append(f"{where}: {section} is empty")

        # SYNTAX: the same sets, default marked, and the text PowerShell prints.
        set_names = cmdlet.set_names()
        documented_sets = [s for s, _, _ in command.syntax]
        if sorted(documented_sets) != sorted(set_names):
            problems.append(f"{where}: syntax sets {documented_sets}, sources have {set_names}")
        for set_name, is_default, text in command.syntax:
            if set_name not in set_names:
                continue
            want_default = cmdlet.default_set == set_name or len(set_names) == 1
            if is_default != want_default:
                problems.append(f"{where}: syntax set {set_name} should {'' if want_default else 'not '}be marked (Default)")
            want = expected_syntax(cmdlet, set_name)
            if " ".join(text.split()) != want:
                problems.append(f"{where}: syntax of {set_name} differs from the sources.\n    have: {' '.join(text.split())}\n    want: {want}")

        # PARAMETERS: every source parameter and no other, each yaml block matching the attributes.
        source_names = [p.name for p in cmdlet.params] + (list(SHOULD_PROCESS) if cmdlet.should_process else [])
        for param in command.params:
            if param.name not in source_names:
                problems.append(f"{where}: -{param.name} is documented but the cmdlet has no such parameter")
        for source in cmdlet.params:
            param = command.param(source.name)
            if param is None:
                problems.append(f"{where}: -{source.name} is not documented")
                continue
            if not param.description:
                problems.append(f"{where}: -{source.name} has no description")
            covered: list[str] = []
            for block in param.blocks:
                label = f"{where} -{source.name} ({', '.join(block.sets)})"
                sets = list(source.sets) if "(All)" in block.sets else block.sets
                if "(All)" in block.sets and "__AllParameterSets" not in source.sets:
                    problems.append(f"{label}: the parameter is not in all sets; name them: {', '.join(source.sets)}")
                    continue
                for set_name in sets:
                    attributes = source.sets.get(set_name) or source.sets.get("__AllParameterSets")
                    if attributes is None:
                        problems.append(f"{label}: the parameter is not in set {set_name}")
                        continue
                    covered.append(set_name)
                    want_position = "Named" if attributes["Position"] is None else str(attributes["Position"])
                    checks = [
                        ("Required", block.required, attributes["Mandatory"]),
                        ("Position", block.position, want_position),
                        ("Accept pipeline input", block.pipeline, pipeline_text(attributes)),
                    ]
                    for key, have, want in checks:
                        if have != want:
                            problems.append(f"{label}: {key} is {have}, the source says {want} in set {set_name}")
                if block.type != source.type:
                    problems.append(f"{label}: Type is {block.type}, the source says {source.type}")
                if block.aliases != source.aliases:
                    problems.append(f"{label}: Aliases {block.aliases}, the source says {source.aliases}")
                if block.accepted != source.accepted:
                    problems.append(f"{label}: Accepted values {block.accepted}, the source says {source.accepted}")
                if block.wildcard:
                    problems.append(f"{label}: no parameter accepts wildcards")
            missing = [s for s in source.sets if s not in covered and not ("__AllParameterSets" in source.sets)]
            if missing:
                problems.append(f"{where}: -{source.name} has no yaml block for set(s) {', '.join(missing)}")
        for name in SHOULD_PROCESS:
            has = command.param(name) is not None
            if has != cmdlet.should_process:
                problems.append(f"{where}: -{name} {'missing' if cmdlet.should_process else 'documented'}, SupportsShouldProcess is {cmdlet.should_process}")
    return problems


def check_maml(text: str, sources: dict[str, SourceCmdlet]) -> list[str]:
    problems = []
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as error:
        return [f"MAML does not parse: {error}"]
    ns = {"command": NS_COMMAND, "maml": NS_MAML, "dev": NS_DEV}
    if root.tag != f"{{{NS_MSH}}}helpItems":
        problems.append("MAML root is not msh:helpItems")
    found = {}
    for element in root.findall("command:command", ns):
        name = element.findtext("command:details/command:name", namespaces=ns)
        found[name] = element
    for name, cmdlet in sources.items():
        element = found.get(name)
        if element is None:
            problems.append(f"MAML: no command:command for {name}")
            continue
        documented = {p.findtext("maml:name", namespaces=ns) for p in element.findall("command:parameters/command:parameter", ns)}
        for param in cmdlet.params:
            if param.name not in documented:
                problems.append(f"MAML: {name} lacks parameter {param.name}")
        items = element.findall("command:syntax/command:syntaxItem", ns)
        if len(items) != len(cmdlet.set_names()):
            problems.append(f"MAML: {name} has {len(items)} syntax items, the sources {len(cmdlet.set_names())} parameter sets")
        if not element.findall("command:examples/command:example", ns):
            problems.append(f"MAML: {name} has no examples")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="check only; fail if the MAML file is out of date")
    parser.add_argument("--force", action="store_true", help="write the MAML even if the check finds problems")
    args = parser.parse_args()
    try:
        commands = load_commands()
        sources = load_sources()
    except HelpError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    problems = check(commands, sources)
    try:
        maml = render_maml(sorted(commands, key=lambda c: c.name))
        problems += check_maml(maml, sources)
    except HelpError as error:
        problems.append(str(error))
        maml = ""
    if args.check:
        current = MAML_FILE.read_text(encoding="utf-8") if MAML_FILE.exists() else ""
        if current != maml:
            problems.append(f"{MAML_FILE.relative_to(REPO)} is out of date: run python3 help/build-maml.py")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    write = not args.check and maml and (not problems or args.force)
    if write:
        MAML_FILE.parent.mkdir(parents=True, exist_ok=True)
        MAML_FILE.write_text(maml, encoding="utf-8", newline="\n")
        print(f"wrote {MAML_FILE.relative_to(REPO)}: {len(commands)} cmdlets")
    if problems:
        print(f"{len(problems)} problem(s){'' if write or args.check else '; MAML not written'}.", file=sys.stderr)
        return 1
    if args.check:
        print(f"help is consistent with the sources: {len(commands)} cmdlets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
