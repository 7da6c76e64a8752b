# Datalogic Gryphon (GD4400 family) in keyboard emulation, Swedish layout,
# Tab as suffix (set with the "Global Suffix = Tab" code).
name     = Datalogic Gryphon
usb      = 05f9:2206
protocol = keyboard
layout   = se
suffix   = tab
quiet_ms = 60
