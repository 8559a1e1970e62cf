sh """
  aws sts assume-role ${ ]
"""
sh 'after'
