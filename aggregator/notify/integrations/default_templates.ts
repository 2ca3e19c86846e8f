/**
 * The templates every notification can use, under the names Alertmanager 0.25 gives them
 * (`__subject`, `slack.default.title`, `pagerduty.default.instances`, …). The text is
 * Outpost's own; it renders what Alertmanager's defaults render, which
 * test/integration/notify_payloads.test.ts checks against Alertmanager itself. Helpers of
 * Outpost's own are named `__outpost.*`.
 */

const common = `
{{ define "__alertmanager" }}Alertmanager{{ end }}
{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}

{{ define "__subject" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}] {{ join " " .GroupLabels.Values }} {{ if lt (len .GroupLabels) (len .CommonLabels) }}({{ join " " (.CommonLabels.Remove .GroupLabels.Names).Values }}){{ end }}
{{- end }}
{{ define "__description" }}{{ end }}

{{ define "__outpost.pairs" }}{{ range .SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}{{ end }}
{{ define "__text_alert_list" }}{{ range . }}Labels:
{{ template "__outpost.pairs" .Labels }}Annotations:
{{ template "__outpost.pairs" .Annotations }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}

{{ define "__outpost.by_status" }}
{{ with .Alerts.Firing }}
Alerts Firing:
{{ template "__text_alert_list" . }}
{{ end }}
{{ with .Alerts.Resolved }}
Alerts Resolved:
{{ template "__text_alert_list" . }}
{{ end }}
{{ end }}
`;

const slack = `
{{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{ define "slack.default.callbackid" }}{{ end }}
{{ define "slack.default.pretext" }}{{ end }}
{{ define "slack.default.iconemoji" }}{{ end }}
{{ define "slack.default.iconurl" }}{{ end }}
{{ define "slack.default.text" }}{{ end }}
{{ define "slack.default.footer" }}{{ end }}
`;

const others = `
{{ define "discord.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "discord.default.message" }}{{ template "__outpost.by_status" . }}{{ end }}

{{ define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{ define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{ define "opsgenie.default.message" }}{{ template "__subject" . }}{{ end }}
{{ define "opsgenie.default.description" }}{{ join " " .CommonAnnotations.Values }}
{{ with .Alerts.Firing }}Alerts Firing:
{{ template "__text_alert_list" . }}{{ end }}
{{ with .Alerts.Resolved }}Alerts Resolved:
{{ template "__text_alert_list" . }}{{ end }}{{ end }}
{{ define "opsgenie.default.source" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{ define "__outpost.markdown_pairs" }}{{ range .SortedPairs }}  - {{ .Name }} = {{ .Value }}
{{ end }}{{ end }}
{{ define "__text_alert_list_markdown" }}{{ range . }}
Labels:
{{ template "__outpost.markdown_pairs" .Labels }}
Annotations:
{{ template "__outpost.markdown_pairs" .Annotations }}
Source: {{ .GeneratorURL }}
{{ end }}
{{ end }}
{{ define "__outpost.markdown_by_status" }}
{{ with .Alerts.Firing }}
# Alerts Firing:
{{ template "__text_alert_list_markdown" . }}
{{ end }}
{{ with .Alerts.Resolved }}
# Alerts Resolved:
{{ template "__text_alert_list_markdown" . }}
{{ end }}
{{ end }}
{{ define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.text" }}{{ template "__outpost.markdown_by_status" . }}{{ end }}
{{ define "msteamsv2.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteamsv2.default.text" }}{{ template "__outpost.markdown_by_status" . }}{{ end }}

{{ define "telegram.default.message" }}{{ template "__outpost.by_status" . }}{{ end }}

{{ define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
`;

// Outpost's own page, not Alertmanager's: the same facts (status, groups, every alert's labels,
// annotations and source) in a plain layout. Rendered with HTML escaping, as html/template would.
const email = `
{{ define "__outpost.email_alerts" }}{{ range . }}
<tr><td style="padding:8px;border-top:1px solid #ddd">
{{ range .Labels.SortedPairs }}<b>{{ .Name }}</b> = {{ .Value }}<br>
{{ end }}{{ range .Annotations.SortedPairs }}{{ .Name }}: {{ .Value }}<br>
{{ end }}<a href="{{ .GeneratorURL }}">Source</a>
</td></tr>{{ end }}{{ end }}
{{ define "email.default.html" }}<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>{{ template "__subject" . }}</title></head>
<body style="font-family:sans-serif;font-size:14px">
<table style="width:100%;max-width:640px;border-collapse:collapse">
<tr><td style="padding:12px;color:#fff;background:{{ if eq .Status "firing" }}#e45959{{ else }}#68b90f{{ end }}">
{{ len .Alerts }} alert{{ if ne (len .Alerts) 1 }}s{{ end }} for{{ range .GroupLabels.SortedPairs }} {{ .Name }}={{ .Value }}{{ end }}
</td></tr>
<tr><td style="padding:8px"><a href="{{ template "__alertmanagerURL" . }}">View in Alertmanager</a></td></tr>
{{ with .Alerts.Firing }}<tr><td style="padding:8px"><b>[{{ len . }}] Firing</b></td></tr>{{ template "__outpost.email_alerts" . }}{{ end }}
{{ with .Alerts.Resolved }}<tr><td style="padding:8px"><b>[{{ len . }}] Resolved</b></td></tr>{{ template "__outpost.email_alerts" . }}{{ end }}
</table>
<p style="color:#888">Sent by Outpost</p>
</body>
</html>
{{ end }}
`;

/** The default notification templates' source text. */
export const DEFAULT_TEMPLATES = common + slack + others + email;
