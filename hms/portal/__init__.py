"""The patient portal: a patient's own record, access log, proxies and blocks; a relative's view."""
