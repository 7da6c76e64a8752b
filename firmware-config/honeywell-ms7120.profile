# Honeywell (Metrologic) MS7120 Orbit, keyboard mode, Swedish layout.
name     = Honeywell MS7120 Orbit
usb      = 0c2e:0204
protocol = keyboard
layout   = se
suffix   = enter
quiet_ms = 80
