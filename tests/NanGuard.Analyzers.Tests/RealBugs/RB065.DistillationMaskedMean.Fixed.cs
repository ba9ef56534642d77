// Source: GitHub issue microsoft/LMOps#38 (Distillation loss produces NaNs): https://github.com/microsoft/LMOps/issues/38
// Bug: the token-level distillation loss is -sum(x * mask) / sum(mask) over the labelled tokens; a batch whose labels were all truncated away has a mask sum of 0 and the loss is 0 / 0.
// Fix: the thread traced it to fully masked rows; the rewrite floors the count of labelled tokens at 1.
// Hazard: division by 0
using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB065;

public static class MiniLlm
{
    public static Tensor DistilLoss(Tensor logits, Tensor teacherLogits, Tensor labels)
    {
        var teacherProbs = F.softmax(teacherLogits, -1, ScalarType.Float32);
        var infMask = torch.isinf(logits);
        var logprobs = F.log_softmax(logits.to(ScalarType.Float32), -1);
        var prodProbs = (teacherProbs * logprobs).masked_fill(infMask, 0);
        var x = torch.sum(prodProbs, -1).view(-1);
        var mask = (labels != -100).@int();
        return -torch.sum(x * mask.view(-1), 0) / torch.sum(mask.view(-1), 0).clamp_min(1);
    }
}
