"""Vendoring: generated clients plus exactly the runtime modules they import, under a
package of the user's project, with no import of ``qsmith`` left (``qsmith vendor``)."""

from qsmith.codegen.vendor.build import VendorReport, vendor

__all__ = ["VendorReport", "vendor"]
