// Source: GitHub issue allenai/allennlp#890 (util.masked_log_softmax() returning NaNs), fixed by pull request #893: https://github.com/allenai/allennlp/issues/890
// Bug: masked_log_softmax adds mask.log() to the logits, which is -inf at every masked position; a row whose mask is all 0 is all -inf and its log_softmax is NaN.
// Fix: add 1e-45 to the mask before the log, so a masked position gets about -103 instead of -inf (pull request #893).
// Hazard: softmax of an all -inf row
using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB066;

public static class Util
{
    public static Tensor MaskedLogSoftmax(Tensor vector, Tensor? mask, long dim = -1)
    {
        if (mask is not null)
        {
            mask = mask.to_type(vector.dtype);
            while (mask.dim() < vector.dim())
                mask = mask.unsqueeze(1);
            vector = vector + (mask + 1e-45).log();
        }
        return F.log_softmax(vector, dim);
    }
}
