# Zebra (formerly Symbol) LS2208 handheld laser scanner, USB HID keyboard.
# Set up with the "USB Keyboard (HID)" and "Enter key" programming barcodes
# from the LS2208 Product Reference Guide; country keyboard type to match
# the layout below.  This is the scanner of the test fixtures.
name     = Zebra LS2208
usb      = 05e0:1200
protocol = keyboard
layout   = us
suffix   = enter
quiet_ms = 60
