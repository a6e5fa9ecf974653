"""The ward board takes no input but the ward in its address: no forms."""
