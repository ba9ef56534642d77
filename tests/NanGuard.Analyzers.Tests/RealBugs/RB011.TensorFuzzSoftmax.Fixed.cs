// Source: GRIST (FSE'21) subject 11, TensorFuzz nan_model (also in DEBAR's FSE'20 benchmark): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_11
// Bug: a helper writes softmax by hand, exp(logits) / sum(exp(logits), 1, keepdims), which overflows to inf / inf, and the loss takes -sum(labels * log(probabilities), 1) of it.
// Fix: the library's cross entropy on the logits (softmax and log in one stable op).
// Hazard: exp overflow
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB011;

public static class NanModel
{
    public static Tensor Loss(Tensor logits, Tensor labels) => F.cross_entropy(logits, labels);
}
