"""Op families: kernel + shape rule + gradient + public function, side by side."""
