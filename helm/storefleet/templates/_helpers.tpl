{{- define "storefleet.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "storefleet.componentName" -}}
{{- printf "%s-%s" (include "storefleet.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "storefleet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storefleet
{{- end -}}

{{- define "storefleet.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "storefleet.componentLabels" -}}
{{ include "storefleet.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "storefleet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ .Values.serviceAccount.name | default (include "storefleet.fullname" .) }}{{- else -}}{{ .Values.serviceAccount.name | default "default" }}{{- end -}}
{{- end -}}

{{- define "storefleet.secretName" -}}
{{- .Values.secret.existingSecret | default (include "storefleet.fullname" .) -}}
{{- end -}}

{{- define "storefleet.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* Environment shared by every role. Secrets by reference only. */}}
{{- define "storefleet.env" -}}
- name: STOREFLEET_ENV
  value: {{ .Values.config.environment | quote }}
- name: STOREFLEET_STATE_DIR
  value: /var/lib/storefleet
# The cluster through the pod's ServiceAccount: the watcher follows it, the API reads a store's
# credentials and resources from it.
- name: KUBE_IN_CLUSTER
  value: "true"
- name: GITOPS_ENGINE
  value: {{ .Values.config.gitopsEngine | quote }}
- name: VALUES_PROFILE
  value: {{ .Values.config.valuesProfile | quote }}
- name: STORE_DOMAIN
  value: {{ .Values.config.storeDomain | quote }}
- name: FLEET_BRANCH
  value: {{ .Values.config.fleetBranch | quote }}
{{- with .Values.config.fleetRepoUrl }}
- name: FLEET_REPO_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.config.publicUrl }}
- name: PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
- name: BACKUPS_ENABLED
  value: {{ .Values.backups.enabled | quote }}
- name: VELERO_NAMESPACE
  value: {{ .Values.backups.veleroNamespace | quote }}
- name: VELERO_STORAGE_LOCATION
  value: {{ .Values.backups.storageLocation | quote }}
- name: DELETED_STORE_BACKUP_TTL
  value: {{ .Values.backups.deletedStoreBackupTtl | quote }}
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: LOG_FORMAT
  value: json
{{- range $name, $value := .Values.config.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- if not .Values.secret.existingSecret }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef: {name: {{ include "storefleet.secretName" . }}, key: JWT_SECRET}
- name: FLEET_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef: {name: {{ include "storefleet.secretName" . }}, key: FLEET_WEBHOOK_SECRET}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: {name: {{ .Values.secret.databaseUrlFrom.name }}, key: {{ .Values.secret.databaseUrlFrom.key }}}
{{- with .Values.secret.fleetTokenFrom.name }}
- name: FLEET_REPO_TOKEN
  valueFrom:
    secretKeyRef: {name: {{ . }}, key: {{ $.Values.secret.fleetTokenFrom.key }}}
{{- end }}
{{- end }}
{{- end -}}

{{/* A pod running the storefleet image in one role. dict: root, component, args, replicas, resources, env */}}
{{- define "storefleet.deployment" -}}
{{- $root := .root -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "storefleet.componentName" . }}
  labels:
    {{- include "storefleet.componentLabels" . | nindent 4 }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ .replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "storefleet.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "storefleet.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/part-of: storefleet
      {{- if not $root.Values.secret.existingSecret }}
      annotations:
        checksum/secret-name: {{ include "storefleet.secretName" $root | sha256sum | trunc 16 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "storefleet.serviceAccountName" $root }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- include "storefleet.antiAffinity" . | nindent 6 }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
      # SHUTDOWN_GRACE_SECONDS keeps serving (readiness 503) while endpoints drain.
      terminationGracePeriodSeconds: 30
      containers:
        - name: {{ .component }}
          image: {{ include "storefleet.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: {{ toJson .args }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          ports:
            - name: http
              containerPort: 8000
              protocol: TCP
          env:
            {{- include "storefleet.env" $root | nindent 12 }}
            {{- range $name, $value := .env }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          {{- with $root.Values.secret.existingSecret }}
          envFrom:
            - secretRef:
                name: {{ . }}
          {{- end }}
          startupProbe:
            httpGet: {path: /health/live, port: http}
            periodSeconds: 5
            failureThreshold: 60
          livenessProbe:
            httpGet: {path: /health/live, port: http}
            periodSeconds: 15
            timeoutSeconds: 5
            failureThreshold: 4
          readinessProbe:
            httpGet: {path: /health/ready, port: http}
            periodSeconds: 10
            timeoutSeconds: 5
          resources:
            {{- toYaml .resources | nindent 12 }}
          volumeMounts:
            - name: state
              mountPath: /var/lib/storefleet
            - name: tmp
              mountPath: /tmp
      volumes:
        # Git working state (bare clones) only: the database and the fleet repo are the truth.
        - name: state
          emptyDir: {}
        - name: tmp
          emptyDir: {}
{{- end -}}


{{/* Replicas of one component on different nodes (podAntiAffinity: soft | hard | none): a node's
  loss takes at most one API, writer or watcher replica. dict: root, component */}}
{{- define "storefleet.antiAffinity" -}}
{{- $mode := .root.Values.podAntiAffinity -}}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (fromYaml (include "storefleet.selectorLabels" .))) -}}
{{- if eq $mode "soft" }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          {{- toYaml $term | nindent 10 }}
{{- else if eq $mode "hard" }}
affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - {{- toYaml $term | nindent 8 }}
{{- end }}
{{- end -}}
