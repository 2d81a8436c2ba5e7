# Copyright (c) zkd_mm contributors. All rights reserved.
"""``ResumableEpochBasedTrainLoop``: a resumed run equals an uninterrupted one.
"""
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.runner import EpochBasedTrainLoop
from mmrazor.registry import LOOPS

from . import rng_state

# message_hub runtime info, saved in every checkpoint and restored on resume.
BATCHES_DONE_KEY = 'zkd_mm_epoch_batches_done'
RNG_STATES_KEY = 'zkd_mm_rng_states'


def record_mid_epoch_state(runner, batches_done: int) -> None:
    """Note in the message hub where in the epoch a checkpoint is taken.

    Call it on every rank right before saving a checkpoint in the middle of
    an epoch (``PreemptionHook`` does). It gathers every rank's RNG states,
    so that a resume continues each rank's random streams exactly.

    Args:
        runner: The mmengine runner.
        batches_done (int): Batches of the current epoch already trained.
    """
    states = all_gather_object(rng_state.capture())
    runner.message_hub.update_info(BATCHES_DONE_KEY, int(batches_done))
    runner.message_hub.update_info(RNG_STATES_KEY, states)


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """mmengine's ``EpochBasedTrainLoop`` that resumes inside an epoch.

    Two changes make a resumed run train exactly as an uninterrupted one:

    - At the start of each epoch the global RNGs (Python, numpy, torch) are
      seeded from the run's seed, the epoch and, with
      ``randomness.diff_rank_seed``, the rank. The random stream of an
      epoch (augmentation in the main process, dropout, ...) then does not
      depend on what ran before, so resuming at an epoch boundary
      reproduces it. mmengine seeds data loader workers itself, the same
      way every epoch; persistent workers keep their state across epochs,
      which a resume cannot restore.
    - A checkpoint taken in the middle of an epoch (by ``PreemptionHook``,
      see :func:`record_mid_epoch_state`) resumes in the middle: the loop
      draws the batches already trained without training on them (so the
      sampler order and the workers' random streams stay aligned), then
      restores each rank's RNG states and goes on.

    Args:
        *args, **kwargs: The arguments of ``EpochBasedTrainLoop``.
    """

    def _seed_epoch(self) -> None:
        seed = self.runner.seed
        if seed is None:
            return
        rank, _ = get_dist_info()
        randomness = self.runner.cfg.get('randomness') or {}
        if not randomness.get('diff_rank_seed', False):
            rank = 0
        rng_state.seed_everything(rng_state.epoch_seed(seed, self._epoch,
                                                       rank))

    def _batches_done(self) -> int:
        """Batches of this epoch trained before the checkpoint, if any."""
        hub = self.runner.message_hub
        done = int(hub.get_info(BATCHES_DONE_KEY, 0) or 0)
        hub.update_info(BATCHES_DONE_KEY, 0)
        if not done:
            return 0
        expected = self._iter - self._epoch * len(self.dataloader)
        if done != expected or not 0 < done <= len(self.dataloader):
            raise RuntimeError(
                f'The checkpoint was taken after batch {done} of epoch '
                f'{self._epoch + 1}, but this run is at iteration '
                f'{self._iter} with {len(self.dataloader)} batches per '
                'epoch. Resume a mid-epoch checkpoint with the number of '
                'processes and the batch size it was trained with.')
        return done

    def _restore_rng(self) -> None:
        states = self.runner.message_hub.get_info(RNG_STATES_KEY)
        rank, world_size = get_dist_info()
        if states is None or len(states) != world_size:
            self.runner.logger.warning(
                'The mid-epoch checkpoint has no RNG states for '
                f'{world_size} processes; the rest of this epoch draws '
                'other random numbers than the interrupted run would have.')
            return
        rng_state.restore(states[rank])
        self.runner.message_hub.update_info(RNG_STATES_KEY, None)

    def _first_epoch_of_run(self) -> bool:
        first = not getattr(self, '_ran_an_epoch', False)
        self._ran_an_epoch = True
        return first

    def _warn_if_persistent_workers(self) -> None:
        loader = self.dataloader
        if loader.num_workers and loader.persistent_workers:
            self.runner.logger.warning(
                'Resumed with persistent data loader workers: they start '
                'with fresh random states, so the augmentations from now on '
                'differ from an uninterrupted run. For an exact resume set '
                'train_dataloader.persistent_workers=False.')

    def run_epoch(self) -> None:
        """Iterate one epoch, or what a mid-epoch checkpoint left of it."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        self._seed_epoch()
        done = self._batches_done()
        if self._first_epoch_of_run() and (self._epoch or done):
            self._warn_if_persistent_workers()
        batches = iter(self.dataloader)
        if done:
            self.runner.logger.info(
                f'Resuming inside epoch {self._epoch + 1}: skipping the '
                f'{done} batches trained before the checkpoint.')
            for _ in range(done):
                next(batches)
            self._restore_rng()
        for idx, data_batch in enumerate(batches, start=done):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
