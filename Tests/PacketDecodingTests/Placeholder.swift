// Tests for this target are added with the target.
