// Source: GRIST (FSE'21) subject 5, MatchZoo RankCrossEntropyLoss: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_5
// Bug: the ranking loss concatenates positive and negative logits with torch.cat and takes -mean(sum(labels * log(F.softmax(logits, -1)), -1)).
// Fix: F.log_softmax in place of log(softmax), as MatchZoo's later releases do.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB022;

public sealed class RankCrossEntropyLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly int _numNeg;

    public RankCrossEntropyLoss(int numNeg) : base(nameof(RankCrossEntropyLoss)) => _numNeg = numNeg;

    public override Tensor forward(Tensor yPred, Tensor yTrue)
    {
        var stride = _numNeg + 1;
        var logits = yPred[TensorIndex.Slice(0, null, stride)];
        var labels = yTrue[TensorIndex.Slice(0, null, stride)];
        for (var negIdx = 0; negIdx < _numNeg; negIdx++)
        {
            var negLogits = yPred[TensorIndex.Slice(negIdx + 1, null, stride)];
            var negLabels = yTrue[TensorIndex.Slice(negIdx + 1, null, stride)];
            logits = torch.cat(new[] { logits, negLogits }, -1);
            labels = torch.cat(new[] { labels, negLabels }, -1);
        }
        return F.cross_entropy(logits, labels);
    }
}
