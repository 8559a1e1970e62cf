a = 'tab\there'
b = "uni\u0041 \$notvar"
c = 'line \
continued'
