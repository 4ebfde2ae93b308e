{{/* Names. */}}
{{- define "mgit.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mgit.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "mgit.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "mgit.selectorLabels" . }}
app.kubernetes.io/version: {{ include "mgit.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "mgit.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mgit.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mgit.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mgit.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "mgit.imageTag" -}}
{{- default (printf "v%s" .Chart.AppVersion) .Values.image.tag -}}
{{- end -}}

{{- define "mgit.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (include "mgit.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{/* The chart's own token Secret is "<fullname>-chart-tokens": never the
     "mgit-tokens" the docs tell people to create by hand, which the chart
     would otherwise adopt or clash with. */}}
{{- define "mgit.secretName" -}}
{{- default (printf "%s-chart-tokens" (include "mgit.fullname" .)) .Values.credentials.existingSecret -}}
{{- end -}}

{{/* Pod annotations of every mode: checksums that roll the pods when the
     config or the chart's token Secret changes, the scrape annotations for
     Prometheus setups without the Operator (the only way a CronJob's or
     Job's short-lived pods are found), then the user's. */}}
{{- define "mgit.podAnnotations" -}}
checksum/config: {{ toYaml .Values.config | sha256sum }}
checksum/credentials: {{ toYaml .Values.credentials | sha256sum }}
{{- if .Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.metrics.port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "mgit.claimName" -}}
{{- default (printf "%s-data" (include "mgit.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{/* Whether the mode runs as long-lived pods (probes, Service). */}}
{{- define "mgit.longRunning" -}}
{{- if or (eq .Values.mode "deployment") (eq .Values.mode "statefulset") -}}true{{- end -}}
{{- end -}}

{{/* Whether the mode passes --shard. */}}
{{- define "mgit.sharded" -}}
{{- if or (eq .Values.mode "statefulset") (eq .Values.mode "indexedJob") -}}true{{- end -}}
{{- end -}}

{{/* Validation: fail the render with the fix, never deploy a broken sync. */}}
{{- define "mgit.validate" -}}
{{- if not (has .Values.mode (list "deployment" "cronjob" "statefulset" "indexedJob")) -}}
{{- fail (printf "mode %q: use deployment, cronjob, statefulset or indexedJob" .Values.mode) -}}
{{- end -}}
{{- if not .Values.sync.query -}}
{{- fail "sync.query is required: set it to the repositories to mirror, e.g. --set sync.query='my-org/*'" -}}
{{- end -}}
{{- if not (and .Values.config .Values.config.providers) -}}
{{- fail "config.providers is required: mgit syncs from the providers in its config.yaml, e.g. config.providers[0]={name: github, type: github}" -}}
{{- end -}}
{{- if lt (int .Values.shards.count) 1 -}}
{{- fail "shards.count must be at least 1" -}}
{{- end -}}
{{- if and (eq .Values.mode "indexedJob") (gt (int .Values.shards.count) 1) .Values.persistence.enabled (not .Values.persistence.existingClaim) (not (has "ReadWriteMany" .Values.persistence.accessModes)) -}}
{{- fail "mode indexedJob with shards.count > 1 shares one volume across nodes: set persistence.accessModes to [ReadWriteMany] or use persistence.existingClaim" -}}
{{- end -}}
{{- range $name, $token := .Values.credentials.tokens -}}
{{- if not (regexMatch "^[A-Za-z0-9_]+$" $name) -}}
{{- fail (printf "credentials.tokens: name %q must be letters, digits and _ (it becomes MGIT_TOKEN_<NAME>)" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The mgit arguments. once: a Job run. Sharded modes read the index
     from MGIT_SHARD_INDEX, set from the pod's index in mgit.env. */}}
{{- define "mgit.args" -}}
{{- $once := index . 1 -}}
{{- with index . 0 -}}
- sync
- {{ .Values.sync.query | quote }}
- --no-tui
- --dir
- {{ .Values.sync.dir | quote }}
{{- if $once }}
- --once
{{- else }}
- --interval
- {{ .Values.sync.interval | quote }}
{{- end }}
{{- if include "mgit.sharded" . }}
- --shard
- "$(MGIT_SHARD_INDEX)/{{ .Values.shards.count }}"
{{- end }}
{{- if .Values.sync.mirror }}
- --mirror
{{- end }}
{{- if .Values.sync.provider }}
- --provider
- {{ .Values.sync.provider | quote }}
{{- end }}
- --git-backend
- {{ .Values.sync.gitBackend | quote }}
{{- if .Values.sync.concurrency }}
- --concurrency
- {{ .Values.sync.concurrency | quote }}
{{- end }}
- --log-level
- {{ .Values.sync.logLevel | quote }}
- --log-format
- {{ .Values.sync.logFormat | quote }}
{{- range .Values.sync.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{- define "mgit.env" -}}
{{- if include "mgit.sharded" . }}
{{- if eq .Values.mode "statefulset" }}
- name: MGIT_SHARD_INDEX
  valueFrom:
    fieldRef:
      fieldPath: metadata.labels['apps.kubernetes.io/pod-index']
{{- else }}
- name: MGIT_SHARD_INDEX
  valueFrom:
    fieldRef:
      fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']
{{- end }}
# Shards sharing a volume keep their caches apart.
- name: XDG_CACHE_HOME
  value: "/data/cache/shard-$(MGIT_SHARD_INDEX)"
- name: XDG_STATE_HOME
  value: "/data/state/shard-$(MGIT_SHARD_INDEX)"
{{- end }}
{{- if .Values.config }}
- name: MGIT_CONFIG
  value: /etc/mgit/config.yaml
{{- end }}
# The listener (every mode, Jobs included, so a run can be scraped while it
# lasts), and the address `mgit health` probes: `kubectl exec POD -- /mgit
# health --ready` needs no flag.
- name: MGIT_METRICS_ADDR
  value: "0.0.0.0:{{ .Values.metrics.port }}"
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The pod spec shared by every mode. */}}
{{- define "mgit.podSpec" -}}
{{- $ctx := index . 0 -}}
{{- $once := index . 1 -}}
{{- with $ctx -}}
serviceAccountName: {{ include "mgit.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{ toYaml . }}
{{- end }}
securityContext:
{{ toYaml .Values.podSecurityContext | indent 2 }}
terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
{{- if $once }}
restartPolicy: Never
{{- end }}
containers:
  - name: mgit
    image: {{ include "mgit.image" . | quote }}
    imagePullPolicy: {{ .Values.image.pullPolicy }}
    args:
{{ include "mgit.args" (list . $once) | indent 6 }}
    {{- $env := include "mgit.env" . | trim }}
    {{- if $env }}
    env:
      {{- $env | nindent 6 }}
    {{- end }}
    envFrom:
      - secretRef:
          name: {{ include "mgit.secretName" . }}
    ports:
      - name: metrics
        containerPort: {{ .Values.metrics.port }}
        protocol: TCP
    {{- if include "mgit.longRunning" . }}
    # Started = the listener is up and providers and tokens resolved
    # (/readyz turns 200 before the first cycle); only then does liveness
    # (/healthz: the sync loop's heartbeat) count.
    startupProbe:
      httpGet:
        path: /readyz
        port: metrics
      periodSeconds: {{ .Values.probes.startup.periodSeconds }}
      failureThreshold: {{ .Values.probes.startup.failureThreshold }}
    {{- end }}
    livenessProbe:
      httpGet:
        path: /healthz
        port: metrics
      initialDelaySeconds: {{ .Values.probes.liveness.initialDelaySeconds }}
      periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
      timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
      failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
    {{- if include "mgit.longRunning" . }}
    readinessProbe:
      httpGet:
        path: /readyz
        port: metrics
      periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
      timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
      failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
    {{- end }}
    securityContext:
{{ toYaml .Values.securityContext | indent 6 }}
    resources:
{{ toYaml .Values.resources | indent 6 }}
    volumeMounts:
      - name: data
        mountPath: /data
      - name: tmp
        mountPath: /tmp
      {{- if .Values.config }}
      - name: config
        mountPath: /etc/mgit
        readOnly: true
      {{- end }}
      {{- with .Values.extraVolumeMounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 1Gi
  {{- if .Values.config }}
  - name: config
    configMap:
      name: {{ include "mgit.fullname" . }}-config
  {{- end }}
  {{- /* A StatefulSet with persistence gets a volume per replica from volumeClaimTemplates. */}}
  {{- if not (and (eq .Values.mode "statefulset") .Values.persistence.enabled) }}
  - name: data
    {{- if .Values.persistence.enabled }}
    persistentVolumeClaim:
      claimName: {{ include "mgit.claimName" . }}
    {{- else }}
    emptyDir: {}
    {{- end }}
  {{- end }}
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
{{ toYaml . | indent 2 }}
{{- end }}
{{- end -}}
{{- end -}}
