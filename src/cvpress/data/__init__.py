"""What the person wrote: loaded, validated into typed models, selected per variant."""
