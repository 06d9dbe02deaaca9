{{/* The instance: the release name (the store id, renderer), or `store.instance` for a store created
     from another store's backup, which keeps that store's object names and instance label so that
     its release takes over what Velero restored (docs/backups.md). Object names stay short. */}}
{{- define "store.instance" -}}
{{- .Values.store.instance | default .Release.Name -}}
{{- end -}}

{{- define "store.fullname" -}}
{{- include "store.instance" . | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-<component>", cut to a DNS label. */}}
{{- define "store.componentName" -}}
{{- printf "%s-%s" (include "store.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "store.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: never change after install (Deployment selectors are immutable). */}}
{{- define "store.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ include "store.instance" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object carries the storefleet.io labels itself too, since Argo CD (unlike Flux's
     commonMetadata) adds none: the watcher, the UIs and kubectl select on them. */}}
{{- define "store.labels" -}}
helm.sh/chart: {{ include "store.chart" . }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ include "store.instance" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storefleet
storefleet.io/tenant: {{ .Values.store.tenant | quote }}
storefleet.io/store: {{ .Values.store.id | quote }}
storefleet.io/engine: {{ .Values.engine | quote }}
{{- end -}}

{{- define "store.componentLabels" -}}
{{ include "store.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Pod template labels: selector labels plus the storefleet.io ones. */}}
{{- define "store.podLabels" -}}
{{ include "store.selectorLabels" . }}
app.kubernetes.io/part-of: storefleet
storefleet.io/tenant: {{ .root.Values.store.tenant | quote }}
storefleet.io/store: {{ .root.Values.store.id | quote }}
storefleet.io/engine: {{ .root.Values.engine | quote }}
{{- end -}}

{{- define "store.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{/* Every pod's registry credentials: `imagePullSecrets` from the values, on its own line at the pod
     spec's indent; nothing at all when the list is empty. The Secrets must exist in the store's
     namespace (the platform does not copy them there). */}}
{{- define "store.imagePullSecrets" -}}
{{- with .root.Values.imagePullSecrets }}
{{- dict "imagePullSecrets" . | toYaml | trim | nindent $.indent }}
{{- end }}
{{- end -}}

{{- define "store.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ include "store.fullname" . }}{{- else -}}default{{- end -}}
{{- end -}}

{{/* The passwords: the platform's Secret (Argo CD) or the one this chart generates. Both are
     "<store id>-credentials" under the renderer (renderer/values.py credentials_secret_name). */}}
{{- define "store.credentialsSecret" -}}
{{- .Values.credentials.existingSecret | default (printf "%s-credentials" (include "store.fullname" .)) -}}
{{- end -}}

{{- define "store.host" -}}
{{- .Values.ingress.host | default (printf "%s.%s" .Values.store.id .Values.ingress.domain) -}}
{{- end -}}

{{- define "store.url" -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls) (include "store.host" .) -}}
{{- end -}}

{{- define "store.tlsSecret" -}}
{{- printf "%s-tls" .Values.store.id -}}
{{- end -}}

{{- define "store.adminEmail" -}}
{{- .Values.setup.adminEmail | default (printf "admin@%s" (include "store.host" .)) -}}
{{- end -}}

{{/* The plan's limits (quota, container maximum). */}}
{{- define "store.plan" -}}
{{- toYaml (get .Values.plans .Values.plan) -}}
{{- end -}}

{{/* A container that may not escalate and keeps no capability (non-root images). */}}
{{- define "store.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnly | default false }}
runAsNonRoot: true
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "store.storageClass" -}}
{{- with .Values.persistence.storageClass }}
storageClassName: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* A PVC's requested size: the value, unless the volume exists and may not grow (persistence.expand
     false; lookup sees it under Flux), in which case the size it was created with, so that a plan change
     does not fail the whole upgrade on a storage class without expansion. */}}
{{- define "store.pvcSize" -}}
{{- $size := .size -}}
{{- if not .root.Values.persistence.expand -}}
{{- $existing := lookup "v1" "PersistentVolumeClaim" .root.Release.Namespace .name -}}
{{- if $existing -}}{{- $size = $existing.spec.resources.requests.storage -}}{{- end -}}
{{- end -}}
{{- $size -}}
{{- end -}}

{{/* A volume size of the schema's form (<n>Mi, <n>Gi or <n>Ti) in MiB, to compare sizes in a template. */}}
{{- define "store.mebibytes" -}}
{{- $n := regexFind "^[0-9]+" . | atoi -}}
{{- if hasSuffix "Ti" . -}}{{ mul $n 1048576 }}{{- else if hasSuffix "Gi" . -}}{{ mul $n 1024 }}{{- else -}}{{ $n }}{{- end -}}
{{- end -}}

{{/* The credentials each engine needs. Keys are what the containers read as files. */}}
{{- define "store.credentialKeys" -}}
{{- if eq .Values.engine "woocommerce" -}}
{{- list "mariadb-root-password" "mariadb-password" "wordpress-admin-password" "wordpress-auth-key" "wordpress-secure-auth-key" "wordpress-logged-in-key" "wordpress-nonce-key" "wordpress-auth-salt" "wordpress-secure-auth-salt" "wordpress-logged-in-salt" "wordpress-nonce-salt" | toJson -}}
{{- else -}}
{{- list "postgres-password" "medusa-jwt-secret" "medusa-cookie-secret" "medusa-admin-password" | toJson -}}
{{- end -}}
{{- end -}}

{{/* The application Service and port the ingress "/" and `helm test` use. */}}
{{- define "store.webService" -}}
{{- if eq .Values.engine "woocommerce" -}}{{ include "store.componentName" (dict "root" . "component" "wordpress") }}{{- else -}}{{ include "store.componentName" (dict "root" . "component" "storefront") }}{{- end -}}
{{- end -}}

{{/* Medusa's environment. Secrets come from the credentials Secret by reference (never in the pod
     spec); DATABASE_URL is expanded by the kubelet from $(POSTGRES_PASSWORD). The generated
     passwords are alphanumeric, so the URL needs no escaping. `sslmode=disable`: the store's own
     PostgreSQL serves no TLS, and Medusa's modules default to TLS for any host but localhost. */}}
{{- define "store.medusaEnv" -}}
{{- $root := .root -}}
{{- $secret := include "store.credentialsSecret" $root -}}
- name: POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: postgres-password}
- name: DATABASE_URL
  value: postgres://medusa:$(POSTGRES_PASSWORD)@{{ include "store.componentName" (dict "root" $root "component" "postgresql") }}:5432/medusa?sslmode=disable
- name: JWT_SECRET
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: medusa-jwt-secret}
- name: COOKIE_SECRET
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: medusa-cookie-secret}
{{- if $root.Values.redis.enabled }}
- name: REDIS_URL
  value: redis://{{ include "store.componentName" (dict "root" $root "component" "redis") }}:6379
{{- end }}
# Storefront, API and admin (/app) share one origin (the Ingress routes by path).
- name: STORE_CORS
  value: {{ .url | quote }}
- name: ADMIN_CORS
  value: {{ .url | quote }}
- name: AUTH_CORS
  value: {{ .url | quote }}
- name: MEDUSA_BACKEND_URL
  value: {{ .url | quote }}
- name: MEDUSA_DISABLE_TELEMETRY
  value: "true"
# Production mode serves the admin's build at /app (development would run Vite's dev server). The
# session cookie is `secure` when the URL is https (medusa-config.ts), so plain http works too.
- name: NODE_ENV
  value: "production"
{{- end -}}

{{/* WordPress's environment, for the Deployment and the setup Job alike, so WP-CLI in the Job sees
     the same wp-config.php settings as the site. Passwords and salts are files from the mounted
     credentials Secret ("store.credentialsMount"): wp-config-docker.php reads every *_FILE variable
     from the file it names. */}}
{{- define "store.wordpressEnv" -}}
- name: WORDPRESS_DB_HOST
  value: {{ include "store.componentName" (dict "root" . "component" "mariadb") }}
- name: WORDPRESS_DB_NAME
  value: wordpress
- name: WORDPRESS_DB_USER
  value: wordpress
- name: WORDPRESS_DB_PASSWORD_FILE
  value: /etc/storefleet/credentials/mariadb-password
{{- range list "AUTH_KEY" "SECURE_AUTH_KEY" "LOGGED_IN_KEY" "NONCE_KEY" "AUTH_SALT" "SECURE_AUTH_SALT" "LOGGED_IN_SALT" "NONCE_SALT" }}
- name: WORDPRESS_{{ . }}_FILE
  value: /etc/storefleet/credentials/wordpress-{{ . | lower | replace "_" "-" }}
{{- end }}
# The site's address is the store's URL, whatever the database's `home` and `siteurl` say (a store
# created from another store's backup holds that store's). With TLS, which ends at the ingress:
# trust its X-Forwarded-Proto so WordPress builds https URLs.
- name: WORDPRESS_CONFIG_EXTRA
  value: |
    {{- if .Values.ingress.tls }}
    if (($_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '') === 'https') { $_SERVER['HTTPS'] = 'on'; }
    {{- end }}
    define('WP_HOME', '{{ include "store.url" . }}');
    define('WP_SITEURL', '{{ include "store.url" . }}');
{{- end -}}

{{/* The credentials Secret as read-only files, where the *_FILE variables and the setup scripts'
     $SECRETS_DIR look for them. */}}
{{- define "store.credentialsMount" -}}
- name: credentials
  mountPath: /etc/storefleet/credentials
  readOnly: true
{{- end -}}

{{- define "store.credentialsVolume" -}}
- name: credentials
  secret:
    secretName: {{ include "store.credentialsSecret" . }}
{{- end -}}

{{/* WordPress's volumes as the Deployment mounts them, for the setup Job too: wp-content (plugins,
     themes, uploads) is the one persistent part of a site; core comes from the image. */}}
{{- define "store.wordpressMounts" -}}
- name: wp-content
  mountPath: /var/www/html/wp-content
{{ include "store.credentialsMount" . }}
{{- end -}}

{{- define "store.wordpressVolumes" -}}
- name: wp-content
  persistentVolumeClaim:
    claimName: {{ include "store.componentName" (dict "root" . "component" "wordpress") }}
{{ include "store.credentialsVolume" . }}
{{- end -}}

{{/* The setup's image (values) and command: the Job in the setup ConfigMap's job.yaml runs them, and
     the ConfigMap's annotations name them for display. WooCommerce runs in WP-CLI, Medusa in its own
     backend image (the script needs the application's node_modules). */}}
{{- define "store.setupImageValues" -}}
{{- ternary .Values.setup.cliImage .Values.medusa.image (eq .Values.engine "woocommerce") | toJson -}}
{{- end -}}

{{- define "store.setupCommand" -}}
{{- list "bash" (printf "/etc/storefleet/setup/%s-setup.sh" .Values.engine) | toJson -}}
{{- end -}}
