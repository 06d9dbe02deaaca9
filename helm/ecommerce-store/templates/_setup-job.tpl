{{/* The post-install setup Job, rendered as text into the setup ConfigMap's job.yaml: the watcher
     creates it once the store is first healthy, so it needs to know nothing about either engine. No
     metadata.name or namespace: the watcher names it `<store id>-setup-<setup key prefix>-<setup
     generation>` (a change of engine, name or theme is a new Job, and so is a retry or a change back
     to earlier inputs) and adds its own labels and annotations. Nothing secret is in it: the scripts
     read store.env from the ConfigMap mount and the passwords from the credentials Secret's files. */}}
{{- define "store.setupJob" -}}
{{- $woo := eq .Values.engine "woocommerce" -}}
{{- $image := include "store.setupImageValues" . | fromJson -}}
apiVersion: batch/v1
kind: Job
metadata:
  labels:
    {{- include "store.componentLabels" (dict "root" . "component" "setup") | nindent 4 }}
spec:
  # Retrying is safe: every step of the scripts looks up before it changes anything.
  backoffLimit: {{ .Values.setup.backoffLimit }}
  # Bounds the whole setup, retries included: the watcher waits on the Job, not on a clock of its own.
  activeDeadlineSeconds: {{ .Values.setup.activeDeadlineSeconds }}
  # Kept long enough for the watcher to read the outcome and the log tail.
  ttlSecondsAfterFinished: {{ .Values.setup.ttlSecondsAfterFinished }}
  template:
    metadata:
      labels:
        {{- include "store.podLabels" (dict "root" . "component" "setup") | nindent 8 }}
    spec:
      restartPolicy: Never
      serviceAccountName: {{ include "store.serviceAccountName" . }}
      automountServiceAccountToken: false
      {{- include "store.imagePullSecrets" (dict "root" . "indent" 6) }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
        {{- if $woo }}
        # www-data of the WordPress image (33), which owns wp-content; the CLI image's own www-data
        # is Alpine's (82) and could not write the plugins and themes WordPress installed.
        runAsUser: 33
        runAsGroup: 33
        fsGroup: 33
        {{- else }}
        # The backend image's user, as in the Medusa Deployment.
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        {{- end }}
      {{- if $woo }}
      # wp-content is ReadWriteOnce, attachable to one node at a time: run on WordPress's node.
      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  {{- include "store.selectorLabels" (dict "root" . "component" "wordpress") | nindent 18 }}
              topologyKey: kubernetes.io/hostname
      # The CLI image holds no WordPress: core comes from the site's own image (same version as the
      # site), and wp-config.php is that image's wp-config-docker.php, the file its entrypoint installs.
      # Every setting and secret in it then comes from the same WORDPRESS_* variables as in the
      # Deployment (the entrypoint's random placeholder salts are never read: all eight are set).
      initContainers:
        - name: wordpress-core
          image: {{ include "store.image" .Values.wordpress.image }}
          imagePullPolicy: {{ .Values.wordpress.image.pullPolicy }}
          command:
            - sh
            - -c
            - >-
              cp -R /usr/src/wordpress/. /var/www/html/ &&
              cp /usr/src/wordpress/wp-config-docker.php /var/www/html/wp-config.php
          securityContext:
            {{- include "store.restrictedContainer" (dict "readOnly" true) | nindent 12 }}
          volumeMounts:
            - name: wordpress
              mountPath: /var/www/html
          resources:
            {{- toYaml .Values.setup.resources | nindent 12 }}
      {{- end }}
      containers:
        - name: setup
          image: {{ include "store.image" $image }}
          imagePullPolicy: {{ $image.pullPolicy }}
          command: {{ include "store.setupCommand" . }}
          securityContext:
            {{- include "store.restrictedContainer" (dict "readOnly" $woo) | nindent 12 }}
          env:
            # The scripts' defaults, spelled out so that the mounts below and the scripts stay in step.
            - name: SETUP_DIR
              value: /etc/storefleet/setup
            - name: SECRETS_DIR
              value: /etc/storefleet/credentials
            {{- if $woo }}
            - name: WP_PATH
              value: /var/www/html
            # WP-CLI's cache; with the root file system read-only, /tmp is the writable place.
            - name: HOME
              value: /tmp
            {{- include "store.wordpressEnv" . | nindent 12 }}
            {{- else }}
            {{- include "store.medusaEnv" (dict "root" . "url" (include "store.url" .)) | nindent 12 }}
            {{- end }}
          volumeMounts:
            - name: setup
              mountPath: /etc/storefleet/setup
              readOnly: true
            {{- if $woo }}
            - name: wordpress
              mountPath: /var/www/html
            - name: tmp
              mountPath: /tmp
            {{- include "store.wordpressMounts" . | nindent 12 }}
            {{- else }}
            {{- include "store.credentialsMount" . | nindent 12 }}
            {{- end }}
          resources:
            {{- toYaml .Values.setup.resources | nindent 12 }}
      volumes:
        - name: setup
          configMap:
            name: {{ include "store.componentName" (dict "root" . "component" "setup") }}
        {{- if $woo }}
        - name: wordpress
          emptyDir: {}
        - name: tmp
          emptyDir: {}
        {{- include "store.wordpressVolumes" . | nindent 8 }}
        {{- else }}
        {{- include "store.credentialsVolume" . | nindent 8 }}
        {{- end }}
{{- end -}}
