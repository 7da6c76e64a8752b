# Honeywell Voyager 1400g area imager, USB HID keyboard ("USB Keyboard PC"
# plug-and-play code), Swedish keyboard country, CR suffix.
name     = Honeywell Voyager 1400g
usb      = 0c2e:0b81
protocol = keyboard
layout   = se
suffix   = enter
quiet_ms = 60
