{{/* catalogue.json as calls to the catalogue_* functions of woocommerce-setup.sh, one per category,
     product and variation. Single-variant products are simple products; the others are variable
     products whose options become their own attributes. */}}
{{- define "store.woocommerceCatalogue" -}}
{{- if not .products }}{{ fail "catalogue.json: not a catalogue (no products)" }}{{ end -}}
# Rendered by the chart from catalogue.json and sourced by woocommerce-setup.sh.
{{- range .categories }}
catalogue_category {{ include "store.shellWords" (list .handle .title) }}
{{- end }}
{{- range $product := .products }}
{{- $head := list $product.handle $product.title $product.description $product.category }}
{{- if eq (len $product.variants) 1 }}
{{- $variant := index $product.variants 0 }}
catalogue_simple_product {{ include "store.shellWords" (concat $head (list $variant.sku (printf "%.2f" $variant.price) (include "store.catalogueStock" $variant))) }}
{{- else }}
{{- $attributes := list }}
{{- range $product.options }}
{{- $attributes = append $attributes (dict "name" .title "options" .values "visible" true "variation" true) }}
{{- end }}
catalogue_variable_product {{ include "store.shellWords" (append $head (toJson $attributes)) }}
{{- range $variant := $product.variants }}
{{- $chosen := list }}
{{- range $product.options }}
{{- $chosen = append $chosen (dict "name" .title "option" (index $variant.options .title)) }}
{{- end }}
catalogue_variation {{ include "store.shellWords" (list $variant.sku (printf "%.2f" $variant.price) (include "store.catalogueStock" $variant) (toJson $chosen)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A variant's stock as a whole number, or empty when it is not tracked. */}}
{{- define "store.catalogueStock" -}}
{{- if kindIs "float64" .stock }}{{ .stock | int }}{{ end -}}
{{- end -}}

{{/* Single-quoted shell words (an embedded ' becomes '\''): the text reaches the command verbatim,
     so no catalogue text can run as code. */}}
{{- define "store.shellWords" -}}
{{- $words := list }}
{{- range . }}
{{- $words = append $words (printf "'%s'" (toString . | replace "'" "'\\''")) }}
{{- end }}
{{- join " " $words }}
{{- end -}}
