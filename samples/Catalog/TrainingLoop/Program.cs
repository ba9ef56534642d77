// The training-loop rules, one loop each, in one file per rule named by its id: NG2001.UnclippedStep.cs (no
// clipping), NG2002.IgnoredClipNorm.cs (the clipped norm ignored), NG2003.HighLearningRate.cs (a high learning rate
// with no clipping), NG2004.MissingZeroGrad.cs (no zero_grad), NG2005.MisplacedClipping.cs (clipping after the step),
// NG2006.UnscaledFloat16Training.cs (float16 with no loss scaling).
using Catalog.TrainingLoop;
using TorchSharp;

static class Program
{
    static void Main()
    {
        var x = torch.randn(64, 8);
        var y = torch.randn(64, 1);

        HighLearningRate.Run(x, y);
        IgnoredClipNorm.Run(x, y);
        MissingZeroGrad.Run(x, y);
        MisplacedClipping.Run(x, y);
        UnclippedStep.Run(x.unsqueeze(0), y.unsqueeze(0));
        UnscaledFloat16Training.Run(x, y);
    }
}
