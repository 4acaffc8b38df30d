"""`tf.cast`: dtype conversion, differentiable between floating types."""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec


def _cast_kernel(xp: Any, x: Any, DstT: Any) -> Any:
    target = DstT._np
    if x.dtype.kind == "c" and target.kind in "fiu":
        x = x.real  # TF keeps the real part (NumPy would too, with a ComplexWarning)
    return x.astype(target, copy=False)


def _cast_shape(x: TensorSpec, DstT: Any) -> TensorSpec:
    return TensorSpec(x.shape, DstT)


CAST = Primitive("Cast", _cast_kernel, _cast_shape)


@RegisterGradient("Cast")
def _cast_grad(op: Any, grad: Tensor) -> Any:
    # Complex -> real keeps the real part, so the gradient is cast(grad) + 0i; real -> complex
    # depends on the real part of the gradient only: the cast drops the imaginary part.
    source = op.inputs[0].dtype
    if not source.is_differentiable or not op.outputs[0].dtype.is_differentiable:
        return None
    return cast(grad, source)


def cast(x: Any, dtype: Any, name: Any = None) -> Tensor:
    """Casts `x` to `dtype`; floats cast to integers truncate toward zero, as in TensorFlow.

    Example:
        >>> tf.cast(tf.constant([1.8, -1.8]), tf.int32).numpy()
        array([ 1, -1], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    x = convert_to_tensor(x) if not isinstance(x, Tensor) else x
    if x.dtype is dtype:
        return x
    return execute(CAST, (x,), {"DstT": dtype})
