"""Python inside a graph: `tf.py_function`, `tf.numpy_function`, `tf.py_func`, `tfe.py_func`.

In a graph (TF1 or `tf.function`) the call adds one node whose kernel runs the Python
callback eagerly when the graph runs: `py_function` hands it eager `Tensor`s, so it may use
any eagerflow op (`EagerPyFunc`); `numpy_function` / `py_func` hand it NumPy arrays
(`PyFunc`). `Tout` declares the output dtypes; their shapes are unknown to the graph.
Eagerly both simply call the function.

Gradients flow through `py_function` as in TensorFlow: the forward run records the callback
on a tape, kept under the node's token, and the gradient node (another `EagerPyFunc`) asks
that tape. `numpy_function` has no gradient.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.autodiff.tape import GradientTape
from eagerflow.core import backend, dtypes, errors
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor, wrap
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.graph.ir import SymbolicTensor
from eagerflow.graph.tracing import building

_tokens = itertools.count()
# token -> (tape, eager inputs, eager outputs) of the latest forward run of an EagerPyFunc.
_TAPE_CACHE: dict[str, tuple] = {}


def _out_specs(*specs: Any, func: Any, Tout: tuple, token: str, **attrs: Any) -> list:
    return [TensorSpec(TensorShape(None), dtype) for dtype in Tout]


def _as_list(outputs: Any, n: int, token: str) -> list:
    if n == 1 and not isinstance(outputs, (list, tuple)):
        return [outputs]
    if outputs is None:
        outputs = []
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    if len(outputs) != n:
        raise errors.InvalidArgumentError(
            None, None, f"{token} returns {len(outputs)} values, but expects to see {n} values."
        )
    return list(outputs)


def _eager_kernel(
    xp: Any, *arrays: Any, func: Callable, Tout: tuple, token: str, is_grad: bool = False
) -> tuple:
    """Runs `func` eagerly on tensors; records it on a tape for a later gradient."""
    with building(None):  # leaves the graph being run or built: the callback is eager
        args = [wrap(a) for a in arrays]
        if is_grad:
            outputs = func(*args)
        else:
            with GradientTape(persistent=False) as tape:
                for a in args:
                    if a.dtype.is_floating or a.dtype.is_complex:
                        tape.watch(a)
                outputs = func(*args)
        outputs = _as_list(outputs, len(Tout), token)
        tensors = []
        for value, dtype in zip(outputs, Tout):
            if value is None and is_grad:
                tensors.append(None)
                continue
            tensors.append(convert_to_tensor(value, dtype=dtype))
        if not is_grad:
            _TAPE_CACHE[token] = (tape, args, tensors)
    return tuple(t._value for t in tensors)


def _numpy_kernel(xp: Any, *arrays: Any, func: Callable, Tout: tuple, token: str) -> tuple:
    """Runs `func` on NumPy arrays; each result must have its declared dtype exactly."""
    with building(None):
        host = [backend.to_device(a, backend.CPU) for a in arrays]
        outputs = _as_list(func(*host), len(Tout), token)
    results = []
    for i, (value, dtype) in enumerate(zip(outputs, Tout)):
        array = np.asarray(value)
        if array.dtype != dtype.as_numpy_dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"{i}-th value returned by {token} is {dtypes.from_numpy(array.dtype).name}, "
                f"but expects {dtype.name}",
            )
        results.append(array)
    return tuple(results)


EAGER_PY_FUNC = Primitive("EagerPyFunc", _eager_kernel, _out_specs, num_outputs=-1)
PY_FUNC = Primitive("PyFunc", _numpy_kernel, _out_specs, num_outputs=-1)
no_gradient("PyFunc")


@RegisterGradient("EagerPyFunc")
def _eager_py_func_grad(op: Any, *dys: Any) -> list:
    """Asks the tape of the forward run (TF's `_EagerPyFuncGrad`)."""
    token = op.get_attr("token")
    n = len(dys)

    def eagerly_executed_grad(*args: Any) -> list:
        tape, inputs, outputs = _TAPE_CACHE.pop(token)
        grads = tape.gradient(outputs, inputs, output_gradients=list(args[:n]))
        return [g if g is not None else _zeros(x) for g, x in zip(grads, inputs)]

    inputs = [x if isinstance(x, Tensor) else x._as_tensor() for x in op.inputs]
    # The forward outputs are inputs too: the gradient runs after the forward run it asks.
    results = execute(
        EAGER_PY_FUNC,
        tuple(dys) + tuple(op.outputs),
        {
            "func": eagerly_executed_grad,
            "Tout": tuple(x.dtype for x in inputs),
            "token": f"{token}_grad",
            "is_grad": True,
        },
    )
    grads = []
    for r, x in zip(results, inputs):
        if isinstance(r, SymbolicTensor):
            r.set_shape(x.shape)
        grads.append(r if x.dtype.is_floating or x.dtype.is_complex else None)
    return grads


def _zeros(x: Tensor) -> Tensor:
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    return zeros_like(x)


def _tout(Tout: Any) -> tuple[tuple, bool]:
    if Tout is None:
        return (), True
    if isinstance(Tout, (list, tuple)):
        return tuple(dtypes.as_dtype(t) for t in Tout), True
    return (dtypes.as_dtype(Tout),), False


def _result(outputs: Any, is_list: bool) -> Any:
    outputs = list(outputs)
    if is_list:
        return outputs
    return outputs[0]


def py_function(func: Callable, inp: Any, Tout: Any, name: str | None = None) -> Any:
    """`tf.py_function`: runs the Python function `func` eagerly, also inside a graph.

    `func` receives eager tensors and may call any eagerflow op; `Tout` (a dtype, or a list
    of dtypes) declares what it returns. Gradients flow through the eager computation.

    Example:
        >>> def double(x):
        ...     return x * 2.0
        >>> tf.py_function(double, [tf.constant(1.5)], tf.float32).numpy()
        3.0
    """
    tout, is_list = _tout(Tout)
    inputs = tuple(convert_to_tensor(x) for x in (inp or ()))
    if state().graph is None:
        outputs = _as_list(func(*inputs), len(tout), name or "EagerPyFunc")
        return _result((convert_to_tensor(v, dtype=d) for v, d in zip(outputs, tout)), is_list)
    token = f"pyfunc_{next(_tokens)}"
    outputs = execute(EAGER_PY_FUNC, inputs, {"func": func, "Tout": tout, "token": token})
    return _result(outputs, is_list)


def numpy_function(
    func: Callable, inp: Any, Tout: Any, stateful: bool = True, name: str | None = None
) -> Any:
    """`tf.numpy_function`: runs `func` on NumPy arrays, eagerly or when the graph runs.

    Each result must have exactly its declared dtype (`Tout`). No gradient flows through it.

    Example:
        >>> tf.numpy_function(lambda x: x * 2, [tf.constant([1, 2])], tf.int32).numpy()
        array([2, 4], dtype=int32)
    """
    tout, is_list = _tout(Tout)
    inputs = tuple(convert_to_tensor(x) for x in (inp or ()))
    token = f"pyfunc_{next(_tokens)}"
    outputs = execute(PY_FUNC, inputs, {"func": func, "Tout": tout, "token": token})
    return _result(outputs, is_list)


def py_func(
    func: Callable, inp: Any, Tout: Any, stateful: bool = True, name: str | None = None
) -> Any:
    """`tf.compat.v1.py_func`: TF1's name for `numpy_function`."""
    return numpy_function(func, inp, Tout, stateful=stateful, name=name)


def eager_py_func(func: Callable, inp: Any, Tout: Any, name: str | None = None) -> Any:
    """`tfe.py_func` / `tf.contrib.eager.py_func`: TF1's name for `py_function`."""
    return py_function(func, inp, Tout, name=name)
