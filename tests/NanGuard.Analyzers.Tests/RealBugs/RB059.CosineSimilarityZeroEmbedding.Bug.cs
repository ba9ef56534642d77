// Source: GitHub issue huggingface/sentence-transformers#625 (Guard against division by zero): https://github.com/huggingface/sentence-transformers/issues/625
// Bug: cos_sim normalises with a / a.norm(dim=1)[:, None]; the average word embedding of unknown words is a zero vector and 0 / 0 is NaN.
// Fix: F.normalize, whose default epsilon is 1e-12, as the maintainers did.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB059;

public static class Util
{
    public static Tensor CosSim(Tensor a, Tensor b)
    {
        var aNorm = a / a.norm(1).unsqueeze(1); // expect: NG1011
        var bNorm = b / b.norm(1).unsqueeze(1); // expect: NG1011
        return torch.mm(aNorm, bNorm.transpose(0, 1));
    }
}
