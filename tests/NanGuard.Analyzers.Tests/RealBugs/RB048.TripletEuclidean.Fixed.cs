// Source: GitHub pull request huggingface/sentence-transformers#4033 (Keep Euclidean similarity gradients finite at zero distance): https://github.com/huggingface/sentence-transformers/pull/4033
// Bug: the Euclidean distance is torch.sqrt(torch.square(a - b).sum(-1)); identical embeddings have distance 0 and sqrt's gradient there is inf, so TripletLoss returns NaN gradients.
// Fix: use the vector-norm primitive, whose gradient at 0 is 0.
// Hazard: sqrt at 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB048;

public static class Similarity
{
    public static Tensor EuclideanSim(Tensor a, Tensor b)
    {
        var diff = a.unsqueeze(1) - b.unsqueeze(0);
        return -torch.linalg.vector_norm(diff, 2, new long[] { -1 });
    }
}

public sealed class TripletLoss
{
    public Tensor Forward(Tensor anchor, Tensor positive, Tensor negative, double margin = 5)
    {
        var distancePos = -Similarity.EuclideanSim(anchor, positive).diagonal();
        var distanceNeg = -Similarity.EuclideanSim(anchor, negative).diagonal();
        return F.relu(distancePos - distanceNeg + margin).mean();
    }
}
