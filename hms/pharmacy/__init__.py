"""The pharmacy: stock by batch and expiry, receipts, ward orders, dispensing, adjustments and wastage."""
