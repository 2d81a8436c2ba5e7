# MLKD (Jin et al., CVPR 2023), ImageNet ResNet-34 -> ResNet-18, without
# Z-score: the official MLKD ImageNet settings (base temperature 1, KD
# weight 0.5; CE 0.5 per view, lr 0.1 for batch 512 and 100 epochs in the
# base). Top-1 71.90 reported in the logit standardization paper
# (Table 3), the paper's number. For the official code's scalar confidence
# masks see configs/_base_/mlkd_distiller.py.
_base_ = ['./_base_/mlkd_r34_r18_in1k.py']

mlkd_temperatures = (1.0, 3.0, 5.0, 2.0, 6.0)
model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_instance=dict(
                temperatures=mlkd_temperatures, standardize=False,
                loss_weight=0.5),
            loss_class=dict(temperatures=mlkd_temperatures, loss_weight=0.5),
            loss_batch=dict(temperatures=mlkd_temperatures, loss_weight=0.5))))
