"""HMS: a hospital management system whose heart is the medical journal."""
