{{- define "tokentally.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "tokentally.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tokentally.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tokentally.image" -}}
{{ printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end -}}

{{/* The environment of every container: configuration from the ConfigMap, credentials from Secrets. */}}
{{- define "tokentally.env" -}}
- name: SPRING_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required" .Values.database.existingSecret }}
      key: {{ .Values.database.usernameKey }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.passwordKey }}
{{- if .Values.stripe.existingSecret }}
- name: STRIPE_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.stripe.existingSecret }}
      key: {{ .Values.stripe.apiKeyKey }}
{{- if .Values.stripe.webhookSecretKey }}
- name: STRIPE_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.stripe.existingSecret }}
      key: {{ .Values.stripe.webhookSecretKey }}
{{- end }}
{{- end }}
{{- if .Values.s3.existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ .Values.s3.existingSecret }}
      key: {{ .Values.s3.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.s3.existingSecret }}
      key: {{ .Values.s3.secretAccessKeyKey }}
{{- end }}
{{- if gt (int .Values.workers.replicas) 0 }}
- name: TOKENTALLY_INGEST_BROKER_URI
  valueFrom:
    secretKeyRef:
      name: {{ required "workers.brokerSecret is required when workers.replicas is above 0" .Values.workers.brokerSecret }}
      key: {{ .Values.workers.brokerUriKey }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "tokentally.volumes" -}}
- name: jobs
  configMap:
    name: {{ include "tokentally.fullname" . }}-jobs
- name: workdir
{{- if .Values.workdir.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.workdir.existingClaim }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{- define "tokentally.volumeMounts" -}}
- name: jobs
  mountPath: /etc/tokentally/jobs
  readOnly: true
- name: workdir
  mountPath: {{ .Values.workdir.path }}
{{- end -}}
