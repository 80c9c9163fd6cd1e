// placeholder until the target's tests land
