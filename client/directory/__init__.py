"""The national MSSanté directory: extraction import, local index, search, online lookup."""
