# ruff: noqa: E501  (cases as data: one per line)
"""Helm's template language as course charts use it, rendered without Helm: values, release
names, pipelines, blocks, helpers; what cannot be known prints as ``helm``; work is bounded."""

from __future__ import annotations

import pytest
import yaml

from sekit.grade.gotemplate import UNKNOWN, Renderer, TemplateError, parse

ROOT = {
    "Values": {
        "image": {"repository": "ghcr.io/team/app", "tag": "1.2.0"},
        "replicas": 2,
        "enabled": False,
        "hosts": ["a.local", "b.local"],
        "env": {"LOG": "info", "MODE": "prod"},
        "resources": {"limits": {"cpu": "500m"}},
        "version": "{{ .Values.image.tag }}",
    },
    "Release": {"Name": "rel"},
    "Chart": {"Name": "chart"},
}
CASES = [
    ("{{ .Values.replicas }}", "2"),
    ('image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"', 'image: "ghcr.io/team/app:1.2.0"'),
    ("{{ .Release.Name }}-{{ .Chart.Name }}", "rel-chart"),
    ('{{ .Values.missing | default "x" }}', "x"),
    ('{{ default "x" .Values.image.tag }}', "1.2.0"),
    ("{{ .Values.image.tag | quote }}", '"1.2.0"'),
    ('{{ printf "%s-%d" .Release.Name .Values.replicas }}', "rel-2"),
    ("a\n{{- if .Values.enabled }}\non{{- else }}\noff{{- end }}", "a\noff"),
    ("{{ range .Values.hosts }}[{{ . }}]{{ end }}", "[a.local][b.local]"),
    ("{{ range $k, $v := .Values.env }}{{ $k }}={{ $v }};{{ end }}", "LOG=info;MODE=prod;"),
    ("{{ with .Values.image }}{{ .tag }}{{ end }}", "1.2.0"),
    ("x:{{ toYaml .Values.resources | nindent 2 }}", "x:\n  limits:\n    cpu: 500m"),
    ("{{ tpl .Values.version $ }}", "1.2.0"),
    ("{{/* a comment */}}kept", "kept"),
    ('{{/*  port: "{{ .Values.replicas }}" */}}kept', "kept"),  # a commented-out line, as remla25-team15's
    ('{{ index .Values.env "MODE" }}', "prod"),  # as remla25-team14's images by version
    ("{{ index .Values.hosts 1 }}", "b.local"),
    ('{{ index .Values.env "NONE" | default "x" }}', "x"),
    ('{{ get .Values.env "LOG" }}', "info"),
    ("{{ $n := .Release.Name }}{{ $n | upper }}", "REL"),
    ('{{ if eq .Values.image.tag "1.2.0" }}yes{{ end }}', "yes"),
    ('{{ .Values.image.tag | b64enc }}', "MS4yLjA="),
    ("{{ lookup \"v1\" \"Secret\" \"ns\" \"x\" | toYaml }}", "{}"),
    ("{{ .Capabilities.APIVersions.Has \"x\" }}", "helm"),  # a method: unknown
    ("{{ if .Capabilities.APIVersions.Has \"x\" }}first{{ else }}second{{ end }}", "first"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_renders_as_helm_would(template: str, expected: str) -> None:
    renderer = Renderer()
    assert renderer.render(renderer.learn(template), ROOT) == expected


def test_helpers_are_included_across_files() -> None:
    renderer = Renderer()
    renderer.learn(
        '{{- define "app.fullname" -}}\n{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 '
        '| trimSuffix "-" -}}\n{{- end -}}'
    )
    nodes = renderer.learn('metadata:\n  name: {{ include "app.fullname" . }}-svc\n')
    assert yaml.safe_load(renderer.render(nodes, ROOT)) == {"metadata": {"name": "rel-chart-svc"}}


def test_files_are_read_through_the_callback_only() -> None:
    renderer = Renderer(
        files=lambda name: '{"title": "x"}' if name == "dashboards/a.json" else None
    )
    nodes = renderer.learn('data: {{ .Files.Get "dashboards/a.json" | quote }}')
    assert renderer.render(nodes, ROOT) == 'data: "{\\"title\\": \\"x\\"}"'


def test_a_helper_that_includes_itself_stops() -> None:
    renderer = Renderer()
    renderer.learn('{{ define "loop" }}{{ include "loop" . }}{{ end }}')
    with pytest.raises(TemplateError, match="nested too deeply"):
        renderer.render(renderer.learn('{{ include "loop" . }}'), ROOT)


def test_output_is_bounded() -> None:
    renderer = Renderer()
    renderer.learn('{{ define "big" }}' + "x" * 100_000 + "{{ end }}")
    nodes = renderer.learn('{{ range until 1000 }}{{ include "big" $ }}{{ end }}')
    with pytest.raises(TemplateError, match="2 MB"):
        renderer.render(nodes, {**ROOT, "Values": {}})


def test_unbalanced_blocks_are_errors() -> None:
    with pytest.raises(TemplateError):
        parse("{{ if .Values.x }}no end")
    with pytest.raises(TemplateError):
        parse("{{ end }}")


def test_unknown_is_unknown() -> None:
    assert str(UNKNOWN) == "helm"
