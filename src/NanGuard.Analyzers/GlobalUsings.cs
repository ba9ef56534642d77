global using System.Collections.Generic;
global using System.Collections.Immutable;
global using System.Linq;
global using Microsoft.CodeAnalysis;
global using Microsoft.CodeAnalysis.Operations;
global using NanGuard.Analyzers.Infrastructure;
global using NanGuard.Analyzers.Matching;
