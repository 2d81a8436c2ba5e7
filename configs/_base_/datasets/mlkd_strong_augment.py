# MLKD's strong augmentation (Jin et al., CVPR 2023), shared by the MLKD
# configs. The official code (mdistiller's RandAugment(2, 10), whose
# magnitude argument is unused) applies 2 of 14 ops, each always, at a
# magnitude drawn uniformly from the op's range; here in mmpretrain's
# transforms. Padding is black, as PIL's. Brightness, Color, Contrast and
# Sharpness factors are 1 + magnitude, i.e. in [0.05, 0.95]. Posterize
# rounds its magnitude up, so (3, 7) gives 4 to 7 bits; Posterize with 8
# bits is the official Identity op. The strong view is the weak view's
# crop and flip, this, then a Cutout of random size that each dataset's
# recipe sets (it depends on the image size).
mlkd_ops = [
        dict(type='AutoContrast', prob=1.0),
        dict(type='Brightness', magnitude_range=(-0.95, -0.05), prob=1.0,
             random_negative_prob=0.0),
        dict(type='ColorTransform', magnitude_range=(-0.95, -0.05), prob=1.0,
             random_negative_prob=0.0),
        dict(type='Contrast', magnitude_range=(-0.95, -0.05), prob=1.0,
             random_negative_prob=0.0),
        dict(type='Equalize', prob=1.0),
        dict(type='Posterize', bits=8, prob=1.0),
        dict(type='Posterize', magnitude_range=(3, 7), prob=1.0),
        dict(type='Rotate', magnitude_range=(0, 30), pad_val=0, prob=1.0,
             random_negative_prob=0.5),
        dict(type='Sharpness', magnitude_range=(-0.95, -0.05), prob=1.0,
             random_negative_prob=0.0),
        dict(type='Shear', magnitude_range=(0, 0.3), direction='horizontal',
             pad_val=0, prob=1.0, random_negative_prob=0.5),
        dict(type='Shear', magnitude_range=(0, 0.3), direction='vertical',
             pad_val=0, prob=1.0, random_negative_prob=0.5),
        dict(type='Solarize', magnitude_range=(0, 256), prob=1.0),
        dict(type='Translate', magnitude_range=(0, 0.3),
             direction='horizontal', pad_val=0, prob=1.0,
             random_negative_prob=0.5),
        dict(type='Translate', magnitude_range=(0, 0.3), direction='vertical',
             pad_val=0, prob=1.0, random_negative_prob=0.5),
]
mlkd_randaugment = dict(
    type='RandAugment',
    policies=mlkd_ops,
    num_policies=2,
    magnitude_level=10,
    magnitude_std='inf',
    total_level=10)
# For single-channel images: the 10 ops that mmpretrain can apply to them
# (AutoContrast, ColorTransform, Contrast and Equalize need 3 channels).
mlkd_randaugment_gray = dict(
    mlkd_randaugment,
    policies=[
        op for op in mlkd_ops if op['type'] not in
        ('AutoContrast', 'ColorTransform', 'Contrast', 'Equalize')
    ])
# The Cutout that ends the strong view: always one, of a random size in
# magnitude_range; each recipe sets its size (up to half the image) and
# fill.
mlkd_cutout = dict(
    type='RandAugment',
    policies=[dict(type='Cutout', prob=1.0)],
    num_policies=1,
    magnitude_level=10,
    magnitude_std='inf',
    total_level=10)
