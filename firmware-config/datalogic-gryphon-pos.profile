# Datalogic point-of-sale handheld scanner in USB HID POS mode: scans arrive
# as HID POS reports with their AIM symbology identifier, no layout needed.
name     = Datalogic Gryphon (HID POS)
usb      = 05f9:2202
protocol = pos
layout   = us
suffix   = none
quiet_ms = 60
