"""`TrainingMixin`: Keras's `compile` / `fit` / `evaluate` / `predict` for `tf.keras.Model`.

One step is `train_step(data)`: forward under a `GradientTape`, the compiled loss plus the
layers' regularization losses, `optimizer.apply_gradients`, metric updates. Unless the model
was compiled with `run_eagerly=True`, steps after the first run as a `tf.function` (the first
runs eagerly so that layer weights, optimizer slots and metric variables exist before
tracing). If tracing fails, the step falls back to eager execution and logs why.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from eagerflow.autodiff.tape import GradientTape
from eagerflow.core import nest
from eagerflow.core.convert import convert_to_tensor
from eagerflow.graph.tf1.keras_scope import eager_in_tf1_graph
from eagerflow.keras import callbacks as callbacks_module
from eagerflow.keras import metrics as metrics_module
from eagerflow.keras import optimizers as optimizers_module
from eagerflow.keras.engine import training_compile, training_data, training_step
from eagerflow.ops import math_ops

_LOG = logging.getLogger("eagerflow.keras")


def _python_logs(logs: dict) -> dict:
    return {k: float(np.asarray(v)) if np.ndim(v) == 0 else np.asarray(v) for k, v in logs.items()}


class TrainingMixin:
    """`compile`, `fit`, `evaluate`, `predict` and the `*_on_batch` methods of `Model`.

    Example:
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0)
        >>> len(history.history["loss"])
        2
    """

    # -- compile -------------------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Any = None,
        loss_weights: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: Any = None,
        **kwargs: Any,
    ) -> None:
        """Configures the model for training.

        Args:
            optimizer: An optimizer instance or name ("adam", "sgd", ...).
            loss: A loss name, function or `tf.keras.losses.Loss`; a list or dict gives one
                loss per output.
            metrics: Metric names, functions or `Metric` objects ("accuracy" picks the
                accuracy that matches the loss and label shapes).
            loss_weights: Weights of the per-output losses (list or dict).
            weighted_metrics: Metrics that also receive `sample_weight`.
            run_eagerly: Run every step eagerly instead of as a `tf.function`.
        """
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = loss
        if isinstance(loss, dict):
            self._loss_objects: Any = {k: training_compile.loss_object(v) for k, v in loss.items()}
        elif isinstance(loss, (list, tuple)):
            self._loss_objects = [training_compile.loss_object(v) for v in loss]
        else:
            self._loss_objects = training_compile.loss_object(loss)
        self._loss_weights = loss_weights
        self._metric_specs = metrics if isinstance(metrics, dict) else list(metrics or [])
        self._weighted_metric_specs = list(weighted_metrics or [])
        self._metric_slots: list = []  # (output index, metric, receives sample_weight)
        self._compiled_metrics: list | None = None
        self._weighted_metrics: list = []
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._run_eagerly = bool(run_eagerly)
        self._is_compiled = True
        self.stop_training = False
        self._reset_step_functions()

    def _reset_step_functions(self) -> None:
        self.train_function: Any = None
        self.test_function: Any = None
        self.predict_function: Any = None
        self._traced_steps: dict[str, Any] = {}

    @property
    def run_eagerly(self) -> bool:
        return getattr(self, "_run_eagerly", False)

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = bool(value)
        self._reset_step_functions()

    def _assert_compiled(self, method: str) -> None:
        if not getattr(self, "_is_compiled", False):
            raise RuntimeError(
                f"You must compile your model before {method}. Call "
                "`model.compile(optimizer, loss)`."
            )

    # -- metrics -------------------------------------------------------------------------
    @property
    def metrics(self) -> list:
        """The loss tracker followed by the compiled metrics (once built by a first batch)."""
        if not getattr(self, "_is_compiled", False):
            return []
        return [self._loss_tracker] + list(self._compiled_metrics or []) + self._weighted_metrics

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def _aligned_outputs(self, y: Any, y_pred: Any) -> list[tuple[Any, Any]]:
        """`[(y_i, y_pred_i), ...]` in output order (one pair for single-output models)."""
        if isinstance(y_pred, dict):
            keys = sorted(y_pred)
            return [(y[k] if isinstance(y, dict) else None, y_pred[k]) for k in keys]
        if isinstance(y_pred, (list, tuple)) and len(y_pred) > 1:
            if isinstance(y, dict):
                names = self._output_names(len(y_pred))
                return [(y.get(n), p) for n, p in zip(names, y_pred)]
            return list(zip(nest.flatten(y), y_pred))
        prediction = nest.flatten(y_pred)[0]
        return [(nest.flatten(y)[0], prediction)]

    def _output_names(self, count: int) -> list[str]:
        """Names of the outputs: `output_names`, else the functional outputs' layer names."""
        names = list(getattr(self, "output_names", None) or [])
        if not names:
            for tensor in getattr(self, "outputs", None) or []:
                history = getattr(tensor, "_keras_history", None)
                names.append(history[0].name if history else "")
        if len(names) == count and all(names) and len(set(names)) == count:
            return names
        return [f"output_{i + 1}" for i in range(count)]

    def _output_loss(self, index: int, name: str) -> Any:
        losses = self._loss_objects
        if isinstance(losses, dict):
            return losses.get(name)
        if isinstance(losses, list):
            return losses[index] if index < len(losses) else None
        return losses

    def _build_metrics(self, y: Any, y_pred: Any) -> None:
        """Resolves the compiled metric specs against the first batch's shapes."""
        if self._compiled_metrics is not None or y is None:
            return
        pairs = self._aligned_outputs(y, y_pred)
        names = self._output_names(len(pairs))
        multi = len(pairs) > 1
        slots = []
        for index, (target, prediction) in enumerate(pairs):
            specs = self._metric_specs
            if isinstance(specs, dict):
                specs = nest.flatten(specs.get(names[index], []))
            groups = [(specs, False), (self._weighted_metric_specs, True)]
            for group, weighted in groups:
                for spec in group:
                    if isinstance(spec, metrics_module.Metric) and multi:
                        spec = type(spec).from_config(spec.get_config())
                    loss = self._output_loss(index, names[index])
                    metric = training_compile.metric_object(spec, loss, target, prediction)
                    if weighted and isinstance(spec, str):
                        metric.name = "weighted_" + metric.name
                    if multi:
                        metric.name = f"{names[index]}_{metric.name}"
                    slots.append((index, metric, weighted))
        self._metric_slots = slots
        self._compiled_metrics = [m for _, m, weighted in slots if not weighted]
        self._weighted_metrics = [m for _, m, weighted in slots if weighted]

    def _update_metrics(self, y: Any, y_pred: Any, sample_weight: Any) -> None:
        self._build_metrics(y, y_pred)
        if y is None:
            return
        pairs = self._aligned_outputs(y, y_pred)
        for index, metric, weighted in self._metric_slots:
            target, prediction = pairs[index]
            if target is None:
                continue
            if weighted:
                metric.update_state(target, prediction, sample_weight=sample_weight)
            else:
                metric.update_state(target, prediction)

    def get_metrics_result(self) -> dict:
        """`{name: value}` of every metric's current result."""
        return {m.name: m.result() for m in self.metrics}

    @property
    def compiled_loss(self) -> training_compile.CompiledLoss:
        """TF 2's `self.compiled_loss(y, y_pred, sample_weight, regularization_losses)`."""
        return training_compile.CompiledLoss(self)

    @property
    def compiled_metrics(self) -> training_compile.CompiledMetrics:
        """TF 2's `self.compiled_metrics.update_state(y, y_pred, sample_weight)`."""
        return training_compile.CompiledMetrics(self)

    # -- loss ----------------------------------------------------------------------------
    def compute_loss(
        self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None
    ) -> Any:
        """The compiled loss of `y_pred` against `y`, plus the layers' added losses."""
        total = self._target_loss(y, y_pred, sample_weight)
        extra = list(getattr(self, "losses", None) or [])
        if extra:
            added = math_ops.add_n([convert_to_tensor(v) for v in extra])
            total = added if total is None else total + added
        if total is None:
            raise ValueError(
                "No loss to compute: compile the model with a `loss`, pass targets `y`, or add "
                "losses with `add_loss`."
            )
        return total

    def _target_loss(self, y: Any, y_pred: Any, sample_weight: Any) -> Any:
        """The compiled loss(es) alone, summed over outputs with `loss_weights`; None if none."""
        losses = self._loss_objects
        if losses is None or y is None:
            return None
        if isinstance(losses, dict):
            if isinstance(y_pred, dict):
                names = sorted(y_pred)
            else:
                names = self._output_names(len(nest.flatten(y_pred)))
            y_map = y if isinstance(y, dict) else dict(zip(names, nest.flatten(y)))
            p_map = y_pred if isinstance(y_pred, dict) else dict(zip(names, nest.flatten(y_pred)))
            pairs = [(losses[k], y_map[k], p_map[k], k) for k in losses]
        elif isinstance(losses, list):
            pairs = [(fn, t, p, i) for i, (fn, t, p) in enumerate(zip(losses, y, y_pred))]
        elif isinstance(y_pred, (list, tuple)) and isinstance(y, (list, tuple)):
            pairs = [(losses, t, p, i) for i, (t, p) in enumerate(zip(y, y_pred))]
        else:
            pairs = [(losses, y, y_pred, 0)]
        total = None
        for fn, target, prediction, key in pairs:
            if fn is None:
                continue
            value = fn(target, prediction, sample_weight=sample_weight)
            weight = self._output_loss_weight(key)
            if weight != 1.0:
                value = value * weight
            total = value if total is None else total + value
        return total

    def _output_loss_weight(self, key: Any) -> float:
        weights = self._loss_weights
        if weights is None:
            return 1.0
        if isinstance(weights, dict):
            return float(weights.get(key, 1.0))
        return float(weights[key])

    # -- steps ---------------------------------------------------------------------------
    def train_step(self, data: Any) -> dict:
        """One optimization step on a batch; returns the metric results."""
        x, y, sample_weight = training_data.unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        variables = self.trainable_variables
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        self._loss_tracker.update_state(loss)
        self._update_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def test_step(self, data: Any) -> dict:
        """Loss and metrics of a batch, without updating weights."""
        x, y, sample_weight = training_data.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        self._loss_tracker.update_state(loss)
        self._update_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def predict_step(self, data: Any) -> Any:
        x, _, _ = training_data.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _step_function(self, kind: str) -> Any:
        """`train_step`/`test_step`/`predict_step`, eager or as a tf.function."""
        step = getattr(self, f"{kind}_step")
        if self.run_eagerly:
            return step
        traced = self._traced_steps.get(kind)
        if traced is None:
            traced = training_step.GraphStep(self, kind, step)
            self._traced_steps[kind] = traced
        return traced

    def make_train_function(self, force: bool = False) -> Any:
        if self.train_function is None or force:
            self.train_function = self._step_function("train")
        return self.train_function

    def make_test_function(self, force: bool = False) -> Any:
        if self.test_function is None or force:
            self.test_function = self._step_function("test")
        return self.test_function

    def make_predict_function(self, force: bool = False) -> Any:
        if self.predict_function is None or force:
            self.predict_function = self._step_function("predict")
        return self.predict_function

    # -- loops ---------------------------------------------------------------------------
    @eager_in_tf1_graph  # TF1: the loops run eagerly (graph/tf1/keras_scope.py)
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: Any = True,
        class_weight: dict | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
        **kwargs: Any,
    ) -> callbacks_module.History:
        """Trains for `epochs` epochs over arrays or a dataset; returns a `History`.

        `x`/`y` may be NumPy arrays or tensors (batched by `batch_size`, shuffled each epoch),
        or `x` may be a `tf.data.Dataset` or any iterable of `(x, y[, sample_weight])` batches.
        """
        self._assert_compiled("training")
        verbose = 1 if verbose == "auto" else int(verbose)
        data = training_data.adapt(
            x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight
        )
        if validation_split and validation_data is None:
            if not isinstance(data, training_data.ArrayData):
                raise ValueError(
                    "validation_split is only supported for array inputs; pass validation_data "
                    "for datasets."
                )
            data, val_data = data.split(validation_split)
        elif validation_data is not None:
            val_data = self._validation_source(
                validation_data, validation_batch_size or batch_size, validation_steps
            )
        else:
            val_data = None
        history = callbacks_module.History()
        cbs = callbacks_module.CallbackList(
            list(callbacks or []) + [history],
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=data.steps,
        )
        self.stop_training = False
        train_function = self.make_train_function()
        self._resume_epoch = None
        cbs.on_train_begin()
        if self._resume_epoch is not None:  # set by BackupAndRestore after a restore
            initial_epoch = max(initial_epoch, self._resume_epoch)
        logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            step = -1
            for step, batch in enumerate(data):
                cbs.on_train_batch_begin(step)
                logs = _python_logs(train_function(batch))
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if step < 0:
                _LOG.warning("fit: the input ran out of data; stopping at epoch %d.", epoch + 1)
                break
            epoch_logs = dict(logs)
            if val_data is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_source(val_data, cbs)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            logs = epoch_logs
            if self.stop_training:
                break
        cbs.on_train_end(logs)
        self.history = history
        return history

    def _validation_source(self, validation_data: Any, batch_size: Any, steps: Any) -> Any:
        if isinstance(validation_data, tuple) and 2 <= len(validation_data) <= 3:
            vx, vy, vw = training_data.unpack_x_y_sample_weight(validation_data)
            if training_data.is_array_data(vx):
                return training_data.adapt(vx, vy, vw, batch_size, False, steps)
        return training_data.adapt(validation_data, steps=steps)

    def _evaluate_source(self, data: Any, cbs: Any) -> dict:
        """Runs the test step over `data` with fresh metrics; returns their results."""
        self.reset_metrics()
        test_function = self.make_test_function()
        cbs.on_test_begin()
        logs: dict = {}
        for step, batch in enumerate(data):
            cbs.on_test_batch_begin(step)
            logs = _python_logs(test_function(batch))
            cbs.on_test_batch_end(step, logs)
        cbs.on_test_end(logs)
        return logs

    @eager_in_tf1_graph
    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: Any = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Any = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """The loss and metrics over the data: a scalar, a list, or a dict (`return_dict`)."""
        self._assert_compiled("evaluating")
        verbose = 1 if verbose == "auto" else int(verbose)
        data = training_data.adapt(x, y, sample_weight, batch_size, False, steps)
        cbs = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, steps=data.steps
        )
        logs = self._evaluate_source(data, cbs)
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names if name in logs]
        return values[0] if len(values) == 1 else values

    @eager_in_tf1_graph
    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: Any = "auto",
        steps: int | None = None,
        callbacks: Any = None,
        **kwargs: Any,
    ) -> Any:
        """The model's outputs for `x`, batch by batch, concatenated as NumPy arrays."""
        verbose = 1 if verbose == "auto" else int(verbose)
        data = training_data.adapt(x, None, None, batch_size, False, steps)
        cbs = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, steps=data.steps
        )
        predict_function = self.make_predict_function()
        cbs.on_predict_begin()
        outputs: list = []
        for step, batch in enumerate(data):
            cbs.on_predict_batch_begin(step)
            batch = batch if isinstance(batch, tuple) else (batch,)
            outputs.append(nest.map_structure(np.asarray, predict_function(batch)))
            cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: the input yielded no batches.")
        return nest.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    @eager_in_tf1_graph
    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: dict | None = None,
        reset_metrics: bool = True,
        return_dict: bool = False,
    ) -> Any:
        """One training step on exactly this batch; returns the loss (and metrics)."""
        self._assert_compiled("training")
        if class_weight is not None:
            weights = training_data.class_weight_to_sample_weight(np.asarray(y), class_weight)
            sample_weight = weights if sample_weight is None else weights * sample_weight
        if reset_metrics:
            self.reset_metrics()
        batch = self._batch_tensors(x, y, sample_weight)
        logs = _python_logs(self.make_train_function()(batch))
        return self._batch_result(logs, return_dict)

    @eager_in_tf1_graph
    def test_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        reset_metrics: bool = True,
        return_dict: bool = False,
    ) -> Any:
        """The loss (and metrics) of exactly this batch, without training."""
        self._assert_compiled("evaluating")
        if reset_metrics:
            self.reset_metrics()
        batch = self._batch_tensors(x, y, sample_weight)
        logs = _python_logs(self.make_test_function()(batch))
        return self._batch_result(logs, return_dict)

    @eager_in_tf1_graph
    def predict_on_batch(self, x: Any) -> Any:
        batch = self._batch_tensors(x, None, None)
        return nest.map_structure(np.asarray, self.make_predict_function()(batch))

    def _batch_tensors(self, x: Any, y: Any, sample_weight: Any) -> tuple:
        structure = training_data.pack_x_y_sample_weight(x, y, sample_weight)
        return nest.map_structure(convert_to_tensor, structure)

    def _batch_result(self, logs: dict, return_dict: bool) -> Any:
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names if name in logs]
        return values[0] if len(values) == 1 else values
