"""``client.order``: the order API of earlier SDK versions, as a thin layer over definitions and jobs.

An order is a job definition that runs on the global audience: ``create_*_order(...)`` builds the definition,
``order.run()`` assigns it (one job), and ``get_status``/``display_progress_bar``/``get_results`` follow that
job. The order id is the job definition id, so ``get_order_by_id`` also works after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapidata_nb.client._context import ClientContext
from rapidata_nb.client.audience import RapidataAudience
from rapidata_nb.client.definition import RapidataJobDefinition
from rapidata_nb.client.job import RapidataJobManager, find_jobs
from rapidata_nb.config import logger

if TYPE_CHECKING:
    from rapidata_nb.client.job import RapidataJob
    from rapidata_nb.client.results import RapidataResults

__all__ = ["RapidataOrder", "RapidataOrderManager"]

GLOBAL_AUDIENCE = "global"


class RapidataOrder:
    """A job definition plus (once run) its job on the global audience.

    Attributes:
        id: The order id (= the job definition id).
        name: The order name.
        job_definition: The underlying job definition.
    """

    def __init__(
        self, job_definition: RapidataJobDefinition, ctx: ClientContext, job: RapidataJob | None = None
    ) -> None:
        self.job_definition = job_definition
        self.id = job_definition.id
        self.name = job_definition.name
        self._ctx = ctx
        self._job = job

    @property
    def job(self) -> RapidataJob | None:
        """The job running this order, or ``None`` before ``run()``."""
        if self._job is None:
            # The order id is the definition id: find its job on the global audience (newest first).
            for job in find_jobs(self._ctx, name=self.name, amount=100, audience_id=GLOBAL_AUDIENCE):
                if job.definition_id == self.id:
                    self._job = job
                    break
        return self._job

    def run(self) -> RapidataOrder:
        """Start labeling (a second call does nothing)."""
        if self.job is not None:
            logger.info("Order '%s' is already running.", self.id)
            return self
        audience = RapidataAudience(GLOBAL_AUDIENCE, "Global", [], self._ctx)
        self._job = audience.assign_job(self.job_definition)
        return self

    def _running(self) -> RapidataJob:
        job = self.job
        if job is None:
            raise RuntimeError(f"Order '{self.name}' has not been started; call order.run() first.")
        return job

    def get_status(self) -> str:
        """``Created`` before ``run()``, then the job's state."""
        job = self.job
        return "Created" if job is None else job.get_status()

    def display_progress_bar(self, refresh_rate: int = 5) -> None:
        """Show progress until the order's job finishes."""
        self._running().display_progress_bar(refresh_rate)

    def get_results(self, preliminary_results: bool = False) -> RapidataResults:
        """The results (blocks until done)."""
        return self._running().get_results(preliminary_results)

    def preview(self) -> RapidataOrder:
        """Preview the tasks."""
        self.job_definition.preview()
        return self

    def view(self) -> None:
        """Open the order's job page (or the preview before ``run()``)."""
        job = self.job
        if job is None:
            self.job_definition.preview()
        else:
            job.view()

    def __str__(self) -> str:
        return f"RapidataOrder(name='{self.name}', id='{self.id}')"

    __repr__ = __str__


class RapidataOrderManager:
    """``client.order``: create and find orders."""

    def __init__(self, ctx: ClientContext, jobs: RapidataJobManager) -> None:
        self._ctx = ctx
        self._jobs = jobs
        self._creator = RapidataJobManager(ctx, wrap=lambda definition: RapidataOrder(definition, ctx))
        """``client.job``'s creation methods, making orders (the pipeline wraps the definition it creates, so
        ``FailedUploadException.order`` and ``retry()`` give the order too)."""

    @staticmethod
    def _order(created: object) -> RapidataOrder:
        assert isinstance(created, RapidataOrder), created  # what ``self._creator`` wraps definitions in
        return created

    def create_classification_order(
        self, name: str, instruction: str, answer_options: list[str], datapoints: list[str], **kwargs: Any
    ) -> RapidataOrder:
        """A classification order (same parameters as ``create_classification_job_definition``)."""
        return self._order(
            self._creator.create_classification_job_definition(
                name, instruction, answer_options, datapoints, **kwargs
            )
        )

    def create_compare_order(
        self, name: str, instruction: str, datapoints: list[list[str]], **kwargs: Any
    ) -> RapidataOrder:
        """A compare order (same parameters as ``create_compare_job_definition``)."""
        return self._order(
            self._creator.create_compare_job_definition(name, instruction, datapoints, **kwargs)
        )

    def create_locate_order(
        self, name: str, instruction: str, datapoints: list[str], **kwargs: Any
    ) -> RapidataOrder:
        """A locate order."""
        return self._order(
            self._creator.create_locate_job_definition(name, instruction, datapoints, **kwargs)
        )

    def create_draw_order(
        self, name: str, instruction: str, datapoints: list[str], **kwargs: Any
    ) -> RapidataOrder:
        """A draw order."""
        return self._order(self._creator.create_draw_job_definition(name, instruction, datapoints, **kwargs))

    def create_select_words_order(
        self, name: str, instruction: str, datapoints: list[str], sentences: list[str], **kwargs: Any
    ) -> RapidataOrder:
        """A select-words order."""
        return self._order(
            self._creator.create_select_words_job_definition(
                name, instruction, datapoints, sentences, **kwargs
            )
        )

    def create_free_text_order(
        self, name: str, instruction: str, datapoints: list[str], **kwargs: Any
    ) -> RapidataOrder:
        """A free-text order."""
        return self._order(
            self._creator.create_free_text_job_definition(name, instruction, datapoints, **kwargs)
        )

    def create_ranking_order(
        self,
        name: str,
        instruction: str,
        datapoints: list[list[str]],
        comparison_budget_per_ranking: int,
        **kwargs: Any,
    ) -> RapidataOrder:
        """A ranking order."""
        return self._order(
            self._creator.create_ranking_job_definition(
                name, instruction, datapoints, comparison_budget_per_ranking, **kwargs
            )
        )

    def create(self, name: str, instruction: str, datapoints: list[Any], **kwargs: Any) -> RapidataOrder:
        """Create an order, inferring its type from the arguments.

        ``answer_options`` → classification, ``sentences`` → select words, ``comparison_budget_per_ranking`` →
        ranking, pairs of datapoints → compare. Locate, draw and free-text orders cannot be told apart: use
        ``create_locate_order`` / ``create_draw_order`` / ``create_free_text_order``.
        """
        if "answer_options" in kwargs:
            options = kwargs.pop("answer_options")
            return self.create_classification_order(name, instruction, options, datapoints, **kwargs)
        if "sentences" in kwargs:
            sentences = kwargs.pop("sentences")
            return self.create_select_words_order(name, instruction, datapoints, sentences, **kwargs)
        if "comparison_budget_per_ranking" in kwargs:
            budget = kwargs.pop("comparison_budget_per_ranking")
            return self.create_ranking_order(name, instruction, datapoints, budget, **kwargs)
        if datapoints and all(isinstance(d, list | tuple) and len(d) == 2 for d in datapoints):
            return self.create_compare_order(name, instruction, [list(d) for d in datapoints], **kwargs)
        raise ValueError(
            "Cannot tell the order type from these arguments: pass answer_options (classification), "
            "sentences (select words), comparison_budget_per_ranking (ranking) or pairs of datapoints "
            "(compare), or call "
            "create_locate_order / create_draw_order / create_free_text_order."
        )

    def get_order_by_id(self, order_id: str) -> RapidataOrder:
        """Open an order by id."""
        return RapidataOrder(self._jobs.get_job_definition_by_id(order_id), self._ctx)

    def find_orders(self, name: str = "", amount: int = 10, page: int = 1) -> list[RapidataOrder]:
        """Orders whose name contains ``name``, newest first."""
        return [RapidataOrder(d, self._ctx) for d in self._jobs.find_job_definitions(name, amount, page)]
