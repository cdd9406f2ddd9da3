// DNeRV's ConvNeXt block (QiZhao-NJU model/D_NeRV.py, ConvNeXtBlock):
//   x + pwconv2(GELU(pwconv1(dwconv7x7(x))))
// with 1x1 convolutions where the standard block (arch/layers/convnext.h) has
// channels-last Linears. The reference also creates a LayerNorm ("norm") and a layer
// scale ("gamma", 1e-6) that its forward never applies. They are created here too, so
// that parameter counts equal the reference's (DNeRV's 543,058 encoder parameters at
// 960x1920), and they keep their initial values: no gradient ever reaches them. The
// block only runs on the encoder side, so none of this reaches the stream.
// Parameter names: dwconv.*, norm.{weight,bias}, pwconv1.*, pwconv2.*, gamma.
#pragma once

#include <torch/torch.h>

namespace nerv {

class DnervConvNeXtBlockImpl : public torch::nn::Module {
public:
    explicit DnervConvNeXtBlockImpl(int64_t dim);
    torch::Tensor forward(const torch::Tensor &x);

    /** Parameters including the unused norm and gamma (= the standard block's count). */
    static int64_t parameter_count(int64_t dim);

private:
    torch::nn::Conv2d dwconv_{nullptr}, pwconv1_{nullptr}, pwconv2_{nullptr};
    torch::nn::AnyModule act_;
};
TORCH_MODULE(DnervConvNeXtBlock);

}  // namespace nerv
