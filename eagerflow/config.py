"""`tf.config`: devices and runtime switches."""
# ruff: noqa: F401

from eagerflow.device_scope import (
    PhysicalDevice,
    get_soft_device_placement,
    list_physical_devices,
    set_soft_device_placement,
)
from eagerflow.graph import options as optimizer
from eagerflow.graph.function import functions_run_eagerly, run_functions_eagerly
