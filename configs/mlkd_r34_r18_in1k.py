# MLKD (Jin et al., CVPR 2023), ImageNet ResNet-34 -> ResNet-18, without
# Z-score: the official MLKD ImageNet settings (base temperature 1, KD
# weight 0.5, CE 0.5 per view, lr 0.1 for batch 512, 100 epochs), all set in
# the base. Top-1 71.90 reported in the logit standardization paper
# (Table 3), the paper's number. The confidence masks weight each sample;
# for the official code's scalar masks add --cfg-options
# model.distiller.distill_losses.loss_instance.official_quirks=True
# model.distiller.distill_losses.loss_class.official_quirks=True
# model.distiller.distill_losses.loss_batch.official_quirks=True
_base_ = ['./_base_/mlkd_r34_r18_in1k.py']
