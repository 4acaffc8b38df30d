"""GradientTape, the backward sweep, custom gradients and functional gradients."""
